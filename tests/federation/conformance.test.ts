import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, authorizeThroughForms, createApp, ownerToken, pkcePair } from "../helpers/client.ts";
import { FakePeer } from "../helpers/fake-peer.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

type Json = Record<string, any>;

/** What a peer is sent and what it fetches, checked against ActivityPub and Mastodon's documented behaviour. */
describe("ActivityPub conformance", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let fake: FakePeer;
  const staff: Record<string, string> = {};
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc2: Awaited<ReturnType<typeof approvedPhysician>>;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    staff["uk"] = await ownerToken(uk);
    staff["us"] = await ownerToken(us);
    ukDoc = await approvedPhysician(uk, staff["uk"]!, { username: "uk_doc" });
    usDoc = await approvedPhysician(us, staff["us"]!, { username: "us_doc" });
    usDoc2 = await approvedPhysician(us, staff["us"]!, { username: "us_doc2" });
    await peer(uk, staff["uk"]!, us, staff["us"]!);
    fake = await FakePeer.start();
    await fake.peerWith(uk, staff["uk"]!);
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    await instances.closeAll();
  });

  const received = (type: string) =>
    fake.received
      .filter((r) => r.method === "POST")
      .map((r) => {
        try {
          return JSON.parse(r.body) as Json;
        } catch {
          return null;
        }
      })
      .filter((a): a is Json => a?.["type"] === type);
  const getJson = async (url: string, from: TestInstance | null = us) => {
    const res = from ? await signedFetch(from, url) : await fetch(url, { headers: { Accept: "application/activity+json" } });
    return { status: res.status, body: (res.status < 300 || res.status === 410 ? await res.json() : await res.text()) as Json };
  };
  const peerState = async (on: TestInstance, token: string, origin: string) =>
    (await api(on, "GET", "/api/v1/consilium/peers", { token })).body.find((p: Json) => p["origin"] === origin)?.state;

  it("peers again within seconds after an ending: every Follow has a new id", async () => {
    expect((await api(uk, "POST", "/api/v1/consilium/peers/end", { token: staff["uk"]!, json: { origin: us.origin } })).status).toBe(200);
    await eventually(async () => (await peerState(us, staff["us"]!, uk.origin)) === "ended", "US to see the peering ended");
    const started = Date.now();
    await peer(uk, staff["uk"]!, us, staff["us"]!);
    expect(Date.now() - started).toBeLessThan(10_000);

    // The same with the raw peer, which records the Follow each time.
    expect((await api(uk, "POST", "/api/v1/consilium/peers/end", { token: staff["uk"]!, json: { origin: fake.origin } })).status).toBe(200);
    await fake.peerWith(uk, staff["uk"]!);
    const follows = received("Follow").filter((f) => f["actor"] === `${uk.origin}/actor`);
    expect(follows.length).toBe(2);
    expect(new Set(follows.map((f) => f["id"])).size).toBe(2);
    const undo = received("Undo").find((u) => u["actor"] === `${uk.origin}/actor`);
    expect(undo?.["object"]?.["id"]).toBe(follows[0]!["id"]);
  }, 60_000);

  it("serves an outbox of network posts to peers, and the instance actor's empty one to anyone", async () => {
    await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Outbox: public", visibility: "public" } });
    await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Outbox: unlisted", visibility: "unlisted" } });
    await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Outbox: followers only", visibility: "private" } });
    const actor = await getJson(`${uk.origin}/users/uk_doc`);
    expect(actor.body["outbox"]).toBe(`${uk.origin}/users/uk_doc/outbox`);
    expect((await getJson(actor.body["outbox"], null)).status).toBe(401);
    const outbox = await getJson(actor.body["outbox"]);
    expect(outbox.body).toMatchObject({ type: "OrderedCollection", totalItems: 2 });
    const first = await getJson(outbox.body["first"]);
    expect(first.body["type"]).toBe("OrderedCollectionPage");
    const items = first.body["orderedItems"] as Json[];
    expect(items.map((i) => i["type"])).toEqual(["Create", "Create"]);
    expect(items.map((i) => i["object"]["content"])).toEqual(["<p>Outbox: unlisted</p>", "<p>Outbox: public</p>"]);

    const instance = await getJson(`${uk.origin}/actor`, null);
    expect(instance.body["outbox"]).toBe(`${uk.origin}/users/__instance__/outbox`);
    const instanceOutbox = await getJson(instance.body["outbox"], null);
    expect(instanceOutbox).toMatchObject({ status: 200, body: { type: "OrderedCollection", totalItems: 0 } });
  });

  it("keeps the language across the trip: contentMap, summaryMap and nameMap", async () => {
    const post = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "Language check #cardiology", spoiler_text: "Long read", language: "en" },
    });
    expect(post.body.language).toBe("en");
    const create = await eventually(
      () => received("Create").find((c) => c["object"]?.["id"] === post.body.uri),
      "the Create at the raw peer",
    );
    expect(create["object"]["contentMap"]).toEqual({ en: create["object"]["content"] });
    expect(create["object"]["summaryMap"]).toEqual({ en: "Long read" });
    const onUs = await eventually(() => findByUri(us, usDoc.token, post.body.uri), "the post on US");
    expect(onUs.language).toBe("en");

    const kase = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: {
        status: "",
        language: "fr",
        case: { kind: "help", title: "Syncope chez un coureur", question: "Quels examens ?", specialties: ["cardiology"] },
      },
    });
    expect(kase.status).toBe(200);
    const article = await eventually(
      () => received("Create").find((c) => c["object"]?.["id"] === kase.body.uri),
      "the case at the raw peer",
    );
    expect(article["object"]["type"]).toBe("Article");
    expect(article["object"]["nameMap"]).toEqual({ fr: "Syncope chez un coureur" });
    const caseOnUs = await eventually(() => findByUri(us, usDoc.token, kase.body.uri), "the case on US");
    expect(caseOnUs.language).toBe("fr");
  });

  it("answers every collection it advertises, hashtags included, and 410 Gone for what was deleted", async () => {
    const instanceActor = await getJson(`${uk.origin}/actor`, null);
    const following = await getJson(instanceActor.body["following"]);
    expect(following).toMatchObject({ status: 200, body: { type: "OrderedCollection" } });
    expect(following.body["totalItems"]).toBeGreaterThanOrEqual(2);
    expect(following.body["orderedItems"]).toContain(`${us.origin}/actor`);
    const docFollowing = await getJson(`${uk.origin}/users/uk_doc/following`);
    expect(docFollowing.body["totalItems"]).toBe(0);

    const tagged = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "A case for #Nephrology" } });
    const create = await eventually(
      () => received("Create").find((c) => c["object"]?.["id"] === tagged.body.uri),
      "the tagged post at the raw peer",
    );
    const tags = ([] as Json[]).concat(create["object"]["tag"]);
    const href = tags.find((t) => t["type"] === "Hashtag")!["href"] as string;
    expect((await getJson(href, null)).status).toBe(401);
    const tag = await getJson(href);
    expect(tag).toMatchObject({ status: 200, body: { type: "OrderedCollection", totalItems: 1 } });
    expect(((await getJson(tag.body["first"])).body["orderedItems"] as Json[])[0]!["id"]).toBe(tagged.body.uri);
    // A browser at the same address still gets the page.
    expect((await fetch(href, { headers: { Accept: "text/html" }, redirect: "manual" })).status).not.toBe(404);

    expect((await api(uk, "DELETE", `/api/v1/statuses/${tagged.body.id}`, { token: ukDoc.token })).status).toBe(200);
    const gone = await getJson(tagged.body.uri);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ type: "Tombstone", id: tagged.body.uri, formerType: "as:Note" });
    expect((await getJson(tagged.body.uri, null)).status).toBe(401);
    expect((await getJson(`${uk.origin}/users/uk_doc/statuses/999999999`)).status).toBe(404);

    const leaver = await approvedPhysician(uk, staff["uk"]!, { username: "uk_leaver" });
    expect(
      (await api(uk, "POST", "/api/v1/consilium/account/delete", { token: leaver.token, json: { password: leaver.applicant.password } }))
        .status,
    ).toBe(200);
    const goneActor = await getJson(`${uk.origin}/users/uk_leaver`);
    expect(goneActor).toMatchObject({ status: 410, body: { type: "Tombstone" } });
  });

  it("sends new poll counts without an edit time and with a new id each time, to the audience and every voter", async () => {
    const poll = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "Anticoagulate?", poll: { options: ["Yes", "No"], expires_in: 3600 } },
    });
    expect(poll.status).toBe(200);
    const onUs = await eventually(() => findByUri(us, usDoc.token, poll.body.uri), "the poll on US");
    expect((await api(us, "POST", `/api/v1/polls/${onUs.id}/votes`, { token: usDoc.token, json: { choices: [0] } })).status).toBe(200);
    const updates = () => received("Update").filter((u) => u["object"]?.["id"] === poll.body.uri);
    await eventually(() => updates().length >= 1, "the first results update at the raw peer");
    const onUs2 = await eventually(() => findByUri(us, usDoc2.token, poll.body.uri), "the poll for the second voter");
    expect((await api(us, "POST", `/api/v1/polls/${onUs2.id}/votes`, { token: usDoc2.token, json: { choices: [1] } })).status).toBe(200);
    await eventually(() => updates().some((u) => u["object"]["votersCount"] === 2), "the second results update at the raw peer");
    const sent = updates();
    expect(new Set(sent.map((u) => u["id"])).size).toBe(sent.length);
    for (const update of sent) {
      expect(update["object"]["type"]).toBe("Question");
      expect(update["object"]).not.toHaveProperty("updated");
    }
    // The voters' instance has the counts, and the poll is not shown as edited.
    const final = await eventually(async () => {
      const s = await findByUri(us, usDoc.token, poll.body.uri);
      return s?.poll?.voters_count === 2 ? s : null;
    }, "the counts on US");
    expect(final.edited_at).toBeNull();
  });

  it("implements every OAuth response mode it advertises", async () => {
    const meta = (await api(uk, "GET", "/.well-known/oauth-authorization-server")).body;
    expect(meta.response_modes_supported).toEqual(["query", "fragment", "form_post"]);
    expect(meta.grant_types_supported).toEqual(["authorization_code", "client_credentials"]);
    for (const endpoint of [meta.authorization_endpoint, meta.userinfo_endpoint, meta.app_registration_endpoint]) {
      expect((await fetch(endpoint)).status).not.toBe(404);
    }
    const redirectUri = "https://client.example/callback";
    const app = await createApp(uk, "read write", redirectUri);
    const email = ukDoc.applicant.email;
    const password = ukDoc.applicant.password;

    const query = await authorizeThroughForms(uk, app, email, password, "read", { redirectUri, state: "s1" });
    expect(new URL(query.location!).searchParams.get("state")).toBe("s1");
    expect(new URL(query.location!).searchParams.get("code")).toBeTruthy();

    // client_secret_basic: the credentials in an Authorization header.
    const basic = await api(uk, "POST", "/oauth/token", {
      form: {
        grant_type: "authorization_code",
        code: new URL(query.location!).searchParams.get("code")!,
        redirect_uri: redirectUri,
        code_verifier: query.verifier!,
      },
      headers: { Authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString("base64")}` },
    });
    expect(basic.status).toBe(200);

    const fragment = await authorizeThroughForms(uk, app, email, password, "read", { redirectUri, responseMode: "fragment", state: "s2" });
    const location = new URL(fragment.location!);
    expect(location.search).toBe("");
    const hash = new URLSearchParams(location.hash.slice(1));
    expect(hash.get("state")).toBe("s2");
    expect(hash.get("code")).toBeTruthy();

    const formPost = await authorizeThroughForms(uk, app, email, password, "read", { redirectUri, responseMode: "form_post", state: "s3" });
    expect(formPost.status).toBe(200);
    expect(formPost.html).toContain(`<form method="post" action="${redirectUri}">`);
    expect(formPost.html).toContain('name="state" value="s3"');
    const code = /name="code" value="([^"]+)"/.exec(formPost.html)?.[1];
    expect(code).toBeTruthy();
    // "none": a public client proves itself with PKCE alone.
    const publicClient = await api(uk, "POST", "/oauth/token", {
      form: {
        grant_type: "authorization_code",
        client_id: app.client_id,
        code: code!,
        redirect_uri: redirectUri,
        code_verifier: formPost.verifier!,
      },
    });
    expect(publicClient.status).toBe(200);
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: publicClient.body.access_token })).body.username).toBe(
      "uk_doc",
    );

    const bad = await fetch(
      `${uk.origin}/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: app.client_id, redirect_uri: redirectUri, response_mode: "web_message", code_challenge: pkcePair().challenge, code_challenge_method: "S256" })}`,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("response_mode");
  });

  it("reports physicians' real activity in NodeInfo, and staff nowhere", async () => {
    const staffBefore = (await (await fetch(`${uk.origin}/nodeinfo/2.1`)).json()) as Json;
    expect(staffBefore["software"]).not.toHaveProperty("homepage");
    const physicians = uk.services.accountActivity.physicians().total;
    expect(staffBefore["usage"]["users"]["total"]).toBe(physicians);
    // Two physicians and the owner have used the API; one physician has not been seen for seven months.
    const idle = await approvedPhysician(uk, staff["uk"]!, { username: "uk_idle" });
    uk.services.database.db.$client
      .prepare("UPDATE accounts SET last_active_at = ? WHERE id = ?")
      .run(Date.now() - 210 * 86_400_000, idle.id);
    uk.services.clock.advance(61_000);
    const info = (await (await fetch(`${uk.origin}/nodeinfo/2.1`)).json()) as Json;
    const users = info["usage"]["users"];
    const staffCount = uk.services.database.db.$client.prepare("SELECT count(*) AS n FROM accounts WHERE role != 'physician'").get() as {
      n: number;
    };
    expect(staffCount.n).toBeGreaterThan(0);
    expect(users.total).toBe(physicians + 1);
    expect(users.activeMonth).toBe(users.total - 1);
    expect(users.activeHalfyear).toBe(users.total - 1);
  });

  it("keeps staff off the network: no WebFinger, no actor, nothing they post leaves", async () => {
    const owner = uk.services.database.db.$client.prepare("SELECT username FROM accounts WHERE role = 'owner' LIMIT 1").get() as {
      username: string;
    };
    const host = new URL(uk.origin).host;
    expect((await fetch(`${uk.origin}/.well-known/webfinger?resource=acct:${owner.username}@${host}`)).status).toBe(404);
    expect((await fetch(`${uk.origin}/.well-known/webfinger?resource=acct:uk_doc@${host}`)).status).toBe(200);
    expect((await getJson(`${uk.origin}/users/${owner.username}`)).status).toBe(404);
    const before = fake.received.length;
    const post = await api(uk, "POST", "/api/v1/statuses", { token: staff["uk"]!, json: { status: "Maintenance tonight at 22:00" } });
    expect(post.status).toBe(200);
    const marker = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "After the staff post" } });
    await eventually(() => received("Create").some((c) => c["object"]?.["id"] === marker.body.uri), "the physician's post at the raw peer");
    expect(fake.received.slice(before).some((r) => r.body.includes("Maintenance tonight"))).toBe(false);
    expect((await getJson(post.body.uri)).status).toBe(404);
  });
});
