import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { AS, FakePeer } from "../helpers/fake-peer.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet, resolveAccount } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

/**
 * A signed peer that sends what it should not: forged keys, forged proofs,
 * ids on other origins, impossible poll counts, markup in plain-text fields,
 * attachments that bounce to loopback.  UK runs as in production
 * (CONSILIUM_ALLOW_PRIVATE_ADDRESS=false): its peers are reachable only
 * because an admin chose them.
 */
describe("hostile peers", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukStaff: string;
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let fake: FakePeer;
  let counter: Server;
  let counted: string[];
  let counterOrigin: string;
  const audience = () => `${fake.origin}/actor/followers`;

  beforeAll(async () => {
    instances = await startInstances(2, [{ env: { CONSILIUM_ALLOW_PRIVATE_ADDRESS: "false" } }, {}]);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    ukDoc = await approvedPhysician(uk, ukStaff, { username: "uk_doc" });
    usDoc = await approvedPhysician(us, usStaff, { username: "us_doc" });
    await peer(uk, ukStaff, us, usStaff);
    fake = await FakePeer.start();
    await fake.addUser("mallory");
    await fake.peerWith(uk, ukStaff);
    // Anything that reaches this server was fetched when it should not have been.
    counted = [];
    counter = createServer((req, res) => {
      counted.push(req.url ?? "");
      res.writeHead(200, { "Content-Type": "application/ld+json" }).end("{}");
    });
    await new Promise<void>((r) => counter.listen(0, "127.0.0.1", r));
    counterOrigin = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
  }, 90_000);
  afterAll(async () => {
    await fake?.close();
    counter?.close();
    await instances.closeAll();
  });

  const note = (id: string, extra: Record<string, unknown> = {}) => ({
    "@context": AS,
    id: `${fake.actorUri("mallory")}/statuses/${id}#create`,
    type: "Create",
    actor: fake.actorUri("mallory"),
    to: [audience()],
    object: {
      id: `${fake.actorUri("mallory")}/statuses/${id}`,
      type: "Note",
      attributedTo: fake.actorUri("mallory"),
      content: `<p>${id}</p>`,
      published: new Date().toISOString(),
      to: [audience()],
      ...extra,
    },
  });

  it("one forged request cannot lock a peer's physician out, nor make us read or fetch anything", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const anyKey = await crypto.subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["sign"],
    );
    const keyId = `${us.origin}/users/us_doc#main-key`;
    const forged = {
      "@context": [AS, `${counterOrigin}/context.jsonld`],
      id: `${us.origin}/users/us_doc/statuses/forged#create`,
      type: "Create",
      actor: `${us.origin}/users/us_doc`,
      object: {
        id: `${us.origin}/users/us_doc/statuses/forged`,
        type: "Note",
        content: "forged",
        attributedTo: `${us.origin}/users/us_doc`,
      },
      proof: {
        type: "DataIntegrityProof",
        cryptosuite: "eddsa-jcs-2022",
        verificationMethod: `${us.origin}/users/us_doc#key-2`,
        proofPurpose: "assertionMethod",
        proofValue: "zForged",
      },
    };
    const refused = await fake.post(`${uk.origin}/users/uk_doc/inbox`, forged, { keyId, privateKey: anyKey });
    expect(refused.status).toBe(401);
    // A forged GET (authorized fetch) naming the same key leaves no failure behind either.
    const forgedGet = await signedFetch(us, `${uk.origin}/users/uk_doc`, { keyId: new URL(keyId), privateKey: anyKey });
    expect(forgedGet.status).toBe(401);
    const remembered = uk.services.database.sqlite
      .prepare(
        `SELECT count(*) AS n FROM fedify_kv WHERE key LIKE '["_fedify","publicKey"%' AND (value = 'null' OR key LIKE '%__fetchError%')`,
      )
      .get() as { n: number };
    expect(remembered.n).toBe(0);
    expect(counted).toEqual([]);
    // The genuine physician is heard at once.
    const started = Date.now();
    const posted = await api(us, "POST", "/api/v1/statuses", { token: usDoc.token, json: { status: "Not locked out" } });
    await eventually(() => findByUri(uk, ukDoc.token, posted.body.uri), "the genuine post on UK", 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(uk.services.store.getByUri(`${us.origin}/users/us_doc/statuses/forged`)).toBeUndefined();
  });

  it("refuses bodies that are not activities this server takes, with 400 or 413 and a reason, before any work", async () => {
    const deep: Record<string, unknown> = { v: 1 };
    let cursor = deep;
    for (let i = 0; i < 200; i++) cursor = (cursor["x"] = { v: i }) as Record<string, unknown>;
    const mention = (i: number) => ({ type: "Mention", href: `${fake.origin}/users/m${i}`, name: `@m${i}` });
    const cases: [string, unknown, number][] = [
      ["not JSON", "{nope", 400],
      ["an array", [1, 2], 400],
      ["a remote @context", { ...note("ctx"), "@context": [AS, `${counterOrigin}/evil.jsonld`] }, 400],
      ["no @context", { ...note("noctx"), "@context": undefined }, 400],
      ["an invalid id", { ...note("badid"), id: "not a url" }, 400],
      ["deep nesting", { ...note("deep"), object: { ...note("deep").object, deep } }, 400],
      ["14,000 mentions", note("mentions", { tag: Array.from({ length: 14_000 }, (_, i) => mention(i)) }), 413],
      ["51 mentions", note("mentions51", { tag: Array.from({ length: 51 }, (_, i) => mention(i)) }), 413],
      [
        "51 hashtags",
        note("tags", {
          tag: Array.from({ length: 51 }, (_, i) => ({ type: "Hashtag", name: `#t${i}`, href: `${fake.origin}/tags/t${i}` })),
        }),
        413,
      ],
      [
        "17 attachments",
        note("att", {
          attachment: Array.from({ length: 17 }, (_, i) => ({
            type: "Document",
            mediaType: "image/png",
            url: `${fake.origin}/media/${i}.png`,
          })),
        }),
        413,
      ],
      [
        "a Create of another origin's object",
        { ...note("elsewhere"), object: { ...note("x").object, id: `${us.origin}/users/us_doc/statuses/stolen` } },
        400,
      ],
      ["an object attributed to someone else", note("attrib", { attributedTo: `${fake.origin}/users/bob` }), 400],
      ["a malformed date", note("date", { published: "yesterday" }), 400],
    ];
    for (const [what, body, status] of cases) {
      const res = await fake.post(`${uk.origin}/inbox`, typeof body === "string" ? body : JSON.stringify(body), "mallory");
      const text = await res.text();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(JSON.parse(text).error, what).toMatch(/\w/);
    }
    expect(counted).toEqual([]);
    await quiet([uk]);
    expect(uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM statuses WHERE uri LIKE ?").get(`${fake.origin}/%`)).toEqual({
      n: 0,
    });
  });

  it("stores remote poll counts only when they are counts", async () => {
    const question = (id: string, counts: unknown[], voters: unknown) => ({
      ...note(id, {
        type: "Question",
        content: "<p>Which?</p>",
        endTime: new Date(Date.now() + 3600_000).toISOString(),
        oneOf: counts.map((n, i) => ({ type: "Note", name: `Option ${i}`, replies: { type: "Collection", totalItems: n } })),
        votersCount: voters,
      }),
      "@context": [AS, { toot: "http://joinmastodon.org/ns#", votersCount: "toot:votersCount" }],
    });
    expect((await fake.post(`${uk.origin}/inbox`, question("q-negative", [-1, 2], 1), "mallory")).status).toBe(400);
    expect((await fake.post(`${uk.origin}/inbox`, question("q-fraction", [3.7, 2], 5), "mallory")).status).toBe(400);
    expect((await fake.post(`${uk.origin}/inbox`, question("q-voters", [1, 2], 9), "mallory")).status).toBe(400);
    expect((await fake.post(`${uk.origin}/inbox`, question("q-good", [1, 2], 3), "mallory")).status).toBe(202);
    const good = await eventually(() => findByUri(uk, ukDoc.token, `${fake.actorUri("mallory")}/statuses/q-good`), "the valid poll on UK");
    expect(good.poll.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([1, 2]);
    expect(good.poll.voters_count).toBe(3);
  });

  it("an activity speaks only for its own origin, and a like needs a post the liker may read", async () => {
    const victim = `${fake.origin}/users/mallory/statuses/claimed`;
    const announce = (id: string) => ({
      "@context": AS,
      id,
      type: "Announce",
      actor: fake.actorUri("mallory"),
      object: `${uk.origin}/users/uk_doc/statuses/1`,
      to: [audience()],
    });
    expect((await fake.post(`${uk.origin}/inbox`, announce(`${uk.origin}/users/uk_doc/statuses/claimed`), "mallory")).status).toBe(400);
    expect((await fake.post(`${uk.origin}/inbox`, announce(`${us.origin}/users/us_doc/statuses/claimed`), "mallory")).status).toBe(400);
    // The real Create for an id on its author's origin is still taken.
    expect((await fake.post(`${uk.origin}/inbox`, note("claimed"), "mallory")).status).toBe(202);
    await eventually(() => uk.services.store.getByUri(victim), "the real post stored");
    // A direct post between two UK physicians; mallory is not addressed.
    const other = await approvedPhysician(uk, ukStaff, { username: "uk_other" });
    const direct = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "@uk_other private note", visibility: "direct" },
    });
    const like = {
      "@context": AS,
      id: `${fake.actorUri("mallory")}#likes/1`,
      type: "Like",
      actor: fake.actorUri("mallory"),
      object: direct.body.uri,
    };
    expect((await fake.post(`${uk.origin}/inbox`, like, "mallory")).status).toBe(202);
    await quiet([uk], "the like applied (or refused)");
    const favourites = uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM favourites WHERE uri = ?").get(like.id) as {
      n: number;
    };
    expect(favourites.n).toBe(0);
    const notifications = await api(uk, "GET", "/api/v1/notifications?types[]=favourite", { token: ukDoc.token });
    expect(notifications.body).toEqual([]);
    expect(other.id).toBeTruthy();
  });

  it("never follows an attachment's redirect to a private address; content warnings, names and case fields arrive as plain text", async () => {
    const secretHits: string[] = [];
    const secret = createServer((req, res) => {
      secretHits.push(req.url ?? "");
      res.writeHead(200).end("internal");
    });
    await new Promise<void>((r) => secret.listen(0, "127.0.0.1", r));
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366aa" } })
      .png()
      .toBuffer();
    fake.routes.set(
      "GET /media/bounce.png",
      (_req, res) => void res.writeHead(302, { Location: `http://127.0.0.1:${(secret.address() as AddressInfo).port}/secret.png` }).end(),
    );
    fake.routes.set("GET /media/real.png", (_req, res) => void res.writeHead(200, { "Content-Type": "image/png" }).end(png));
    const image = (name: string) => ({ type: "Document", mediaType: "image/png", url: `${fake.origin}/media/${name}` });
    const record = {
      kind: "help",
      title: "<script>alert(1)</script>Chest pain",
      presenting_complaint: '<b onclick="x()">Pain</b> on exertion',
      specialties: ["cardiology"],
      status: "open",
    };
    const activity = note("markup", {
      type: "Article",
      name: "Chest pain",
      summary: '<b onclick="steal()">Graphic</b> &lt;img src=x onerror=alert(1)&gt;',
      content: "<p>Case</p><script>alert(1)</script><img src=x onerror=alert(1)>",
      attachment: [image("bounce.png"), image("real.png")],
      source: { content: JSON.stringify(record), mediaType: "application/vnd.consilium.case+json" },
    });
    expect((await fake.post(`${uk.origin}/inbox`, activity, "mallory")).status).toBe(202);
    const shown = await eventually(() => findByUri(uk, ukDoc.token, `${fake.actorUri("mallory")}/statuses/markup`), "the case on UK");
    expect(secretHits).toEqual([]);
    await eventually(async () => (await findByUri(uk, ukDoc.token, shown.uri))?.media_attachments.length === 1, "the real image imported");
    expect(shown.spoiler_text).not.toMatch(/[<>]/);
    expect(shown.spoiler_text).toContain("Graphic");
    expect(shown.content).not.toMatch(/<script|onerror|onclick/);
    expect(JSON.stringify(shown.case)).not.toMatch(/<|onclick|script>/);
    expect(shown.case.title).toContain("Chest pain");
    expect(shown.account.display_name).not.toMatch(/[<>]/);
    secret.close();
  });

  it("a physician's posts still arrive from the real peer while all this went on", async () => {
    const id = await resolveAccount(uk, ukDoc.token, "us_doc", us);
    expect(id).toBeTruthy();
  });
});
