import { generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

describe("the closed network", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance, fr: TestInstance, outsider: TestInstance;
  const staff: Record<string, string> = {};
  const doc: Record<string, Awaited<ReturnType<typeof approvedPhysician>>> = {};

  beforeAll(async () => {
    instances = await startInstances(4);
    [uk, us, fr, outsider] = instances as unknown as TestInstance[] as [TestInstance, TestInstance, TestInstance, TestInstance];
    for (const [name, inst] of [
      ["uk", uk],
      ["us", us],
      ["fr", fr],
      ["outsider", outsider],
    ] as const) {
      staff[name] = await ownerToken(inst);
      doc[name] = await approvedPhysician(inst, staff[name]!, { username: `${name}_doc` });
    }
    await peer(uk, staff["uk"]!, us, staff["us"]!);
    await peer(uk, staff["uk"]!, fr, staff["fr"]!);
  }, 120_000);
  afterAll(() => instances.closeAll());

  const createNote = (from: TestInstance, actor: string, id: string, content: string) =>
    JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${from.origin}/users/${actor}/statuses/${id}#create`,
      type: "Create",
      actor: `${from.origin}/users/${actor}`,
      to: [`${from.origin}/users/__instance__/followers`],
      object: {
        id: `${from.origin}/users/${actor}/statuses/${id}`,
        type: "Note",
        attributedTo: `${from.origin}/users/${actor}`,
        content,
        published: new Date().toISOString(),
        to: [`${from.origin}/users/__instance__/followers`],
      },
    });

  it("a non-peer is refused at the inbox and can fetch nothing", async () => {
    const post = await api(uk, "POST", "/api/v1/statuses", { token: doc["uk"]!.token, json: { status: "Peers only" } });
    const refused = await signedFetch(outsider, `${uk.origin}/inbox`, {
      method: "POST",
      body: createNote(outsider, "outsider_doc", "1", "hello"),
    });
    expect(refused.status).toBe(403);
    for (const url of [`${uk.origin}/users/uk_doc`, post.body.uri, `${uk.origin}/users/uk_doc/followers`]) {
      const res = await signedFetch(outsider, url);
      expect({ url, status: res.status }).toEqual({ url, status: 401 });
    }
    // A peer fetches the same things.
    expect((await signedFetch(us, `${uk.origin}/users/uk_doc`)).status).toBe(200);
    expect((await signedFetch(us, post.body.uri)).status).toBe(200);
    // And the outsider's search cannot resolve anyone on UK.
    const search = await api(outsider, "GET", `/api/v2/search?q=@uk_doc@${new URL(uk.origin).host}&resolve=true`, {
      token: doc["outsider"]!.token,
    });
    expect(search.body.accounts).toEqual([]);
  });

  it("refuses bad signatures, a signer speaking for another actor, malformed bodies and oversized ones", async () => {
    const body = createNote(us, "us_doc", "forged-1", "forged");
    // Signed with a key that is not the one the keyId names.
    const { privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
    const wrongKey = await crypto.subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["sign"],
    );
    const badSig = await signedFetch(us, `${uk.origin}/inbox`, { method: "POST", body, privateKey: wrongKey });
    expect(badSig.status).toBe(401);
    // Signed by US's instance actor, but the activity claims to be from a US physician.
    const impersonation = await signedFetch(us, `${uk.origin}/inbox`, { method: "POST", body });
    expect(impersonation.status).toBe(401);
    // Malformed JSON-LD from a real peer.
    const malformed = await signedFetch(us, `${uk.origin}/inbox`, {
      method: "POST",
      body: '{"@context": "https://www.w3.org/ns/activitystreams", "type": ',
    });
    expect(malformed.status).toBe(400);
    // A body larger than any activity should be.
    const huge = await signedFetch(us, `${uk.origin}/inbox`, {
      method: "POST",
      body: createNote(us, "us_doc", "big", "x".repeat(2 * 1024 * 1024)),
    });
    expect(huge.status).toBe(413);
    await quiet([uk]);
    for (const id of ["forged-1", "big"]) expect(uk.services.store.getByUri(`${us.origin}/users/us_doc/statuses/${id}`)).toBeUndefined();
  });

  it("a replayed activity changes nothing", async () => {
    const post = await api(us, "POST", "/api/v1/statuses", { token: doc["us"]!.token, json: { status: "Delivered twice?" } });
    const onUk = await eventually(() => findByUri(uk, doc["uk"]!.token, post.body.uri), "the post on UK");
    const before = (await api(uk, "GET", "/api/v1/timelines/public", { token: doc["uk"]!.token })).body.length;
    // The origin delivers the very same Create again (as a retry would).
    const status = us.services.store.getByUri(post.body.uri)!;
    await us.services.federationPort.statusCreated(status);
    await quiet([us, uk], "the re-delivery made and applied");
    const after = await api(uk, "GET", "/api/v1/timelines/public", { token: doc["uk"]!.token });
    expect(after.body.length).toBe(before);
    expect(after.body.filter((s: { uri: string }) => s.uri === post.body.uri)).toHaveLength(1);
    expect((await api(uk, "GET", `/api/v1/statuses/${onUk.id}`, { token: doc["uk"]!.token })).body.id).toBe(onUk.id);
  });

  it("ending a peering stops the flow both ways", async () => {
    const ended = await api(uk, "POST", "/api/v1/consilium/peers/end", { token: staff["uk"]!, json: { origin: fr.origin } });
    expect(ended.body.state).toBe("ended");
    await eventually(
      async () =>
        (await api(fr, "GET", "/api/v1/consilium/peers", { token: staff["fr"]! })).body.find(
          (p: { origin: string }) => p.origin === uk.origin,
        )?.state === "ended",
      "FR to see the end",
    );
    const fromUk = await api(uk, "POST", "/api/v1/statuses", { token: doc["uk"]!.token, json: { status: "After the end (UK)" } });
    const fromFr = await api(fr, "POST", "/api/v1/statuses", { token: doc["fr"]!.token, json: { status: "After the end (FR)" } });
    // US still receives UK's post, which shows delivery ran.
    await eventually(() => findByUri(us, doc["us"]!.token, fromUk.body.uri), "UK's post on US");
    await quiet([uk, us, fr], "every delivery after the ending made");
    expect(await findByUri(fr, doc["fr"]!.token, fromUk.body.uri)).toBeUndefined();
    expect(await findByUri(uk, doc["uk"]!.token, fromFr.body.uri)).toBeUndefined();
    expect((await signedFetch(fr, `${uk.origin}/users/uk_doc`)).status).toBe(401);
  });
});
