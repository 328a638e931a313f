import { generateKeyPairSync } from "node:crypto";
import { signRequest, verifyRequest } from "@fedify/fedify";
import { CryptographicKey } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atPublicOrigin } from "../../federation/hono-middleware.ts";
import { api, approvedPhysician, ownerToken, tokenWithScopes } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer, resolveAccount } from "../helpers/network.ts";
import { AS, FakePeer } from "../helpers/fake-peer.ts";

/** Mastodon.py's reading of a server-sent event stream: a blank line dispatches what came before it, which must name an event. */
function mastodonPyEvents(text: string): { event: string; data: string }[] {
  const events: { event: string; data: string }[] = [];
  let fields: Record<string, string> = {};
  let sawComment = false;
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) {
      sawComment = true;
      continue;
    }
    if (line === "") {
      if (Object.keys(fields).length === 0 && !sawComment) continue;
      if (!("event" in fields)) throw new Error("Missing field event");
      events.push({ event: fields["event"]!, data: fields["data"] ?? "" });
      fields = {};
      sawComment = false;
      continue;
    }
    const i = line.indexOf(":");
    fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
    sawComment = false;
  }
  return events;
}

/** What Elk, Phanpy, Mastodon.py and toot met in a day of use, each checked against the server. */
describe("the defects stock clients met", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukStaff: string, usStaff: string;
  let alice: Awaited<ReturnType<typeof approvedPhysician>>;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    ukStaff = await ownerToken(uk);
    usStaff = await ownerToken(us);
    alice = await approvedPhysician(uk, ukStaff, { username: "alice_c" });
    bob = await approvedPhysician(uk, ukStaff, { username: "bob_c" });
    await peer(uk, ukStaff, us, usStaff);
  }, 90_000);
  afterAll(() => instances.closeAll());

  it("answers the browser's favicon request", async () => {
    const icon = await fetch(`${uk.origin}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\//);
  });

  it("answers 404 for a push subscription that does not exist (Elk's notifications page)", async () => {
    const withPush = tokenWithScopes(uk, alice.id, ["read", "write", "follow", "push"]);
    const res = await api(uk, "GET", "/api/v1/push/subscription", { token: withPush });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "Record not found" });
  });

  it("reads JSON nulls as not given, everywhere (Elk's report, clients' empty polls)", async () => {
    const report = await api(uk, "POST", "/api/v1/reports", {
      token: alice.token,
      json: { account_id: bob.id, comment: "spam", category: "other", rule_ids: null, status_ids: null, forward: null },
    });
    expect(report.status).toBe(200);
    const status = await api(uk, "POST", "/api/v1/statuses", {
      token: alice.token,
      json: { status: "No poll here", poll: null, media_ids: null, spoiler_text: null, in_reply_to_id: null },
    });
    expect(status.status).toBe(200);
  });

  it("takes ids sent as JSON numbers, however large (in_reply_to_id, markers)", async () => {
    const parent = await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "Parent" } });
    // The id as a bare JSON number in the body text, as a client that parsed it as a number sends it.
    const reply = await api(uk, "POST", "/api/v1/statuses", {
      token: bob.token,
      headers: { "Content-Type": "application/json" },
      body: `{"status":"@alice_c reply","in_reply_to_id":${parent.body.id}}`,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.in_reply_to_id).toBe(parent.body.id);
    const marker = await api(uk, "POST", "/api/v1/markers", {
      token: alice.token,
      headers: { "Content-Type": "application/json" },
      body: `{"home":{"last_read_id":${parent.body.id}}}`,
    });
    expect(marker.status).toBe(200);
    expect(marker.body.home.last_read_id).toBe(parent.body.id);
  });

  it("sends no false 'followed you' when a peer accepts a follow", async () => {
    const carol = await approvedPhysician(us, usStaff, { username: "carol_c" });
    const carolHere = await resolveAccount(uk, alice.token, "carol_c", us);
    expect((await api(uk, "POST", `/api/v1/accounts/${carolHere}/follow`, { token: alice.token })).status).toBe(200);
    await eventually(
      async () => (await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${carolHere}`, { token: alice.token })).body[0]?.following,
      "the follow accepted",
    );
    // Carol was told; alice was not told that carol followed her.
    await eventually(
      async () => (await api(us, "GET", "/api/v1/notifications?types[]=follow", { token: carol.token })).body.length === 1,
      "carol's follow notification",
    );
    const mine = await api(uk, "GET", "/api/v1/notifications?types[]=follow", { token: alice.token });
    expect(mine.body.filter((n: { account: { id: string } }) => n.account.id === carolHere)).toEqual([]);
  });

  it("counts a voter once however many options of a multiple-choice poll they pick", async () => {
    const poll = await api(uk, "POST", "/api/v1/statuses", {
      token: alice.token,
      json: { status: "Which tests?", poll: { options: ["ECG", "Echo", "MRI"], expires_in: 3600, multiple: true } },
    });
    const voted = await api(uk, "POST", `/api/v1/polls/${poll.body.poll.id}/votes`, { token: bob.token, json: { choices: [0, 2] } });
    expect(voted.status).toBe(200);
    expect({
      voters: voted.body.voters_count,
      votes: voted.body.votes_count,
      options: voted.body.options.map((o: { votes_count: number }) => o.votes_count),
    }).toEqual({ voters: 1, votes: 2, options: [1, 0, 1] });
  });

  it("shows one's vote on a peer's poll in the counts at once, and reconciles with the origin's", async () => {
    const dana = await approvedPhysician(us, usStaff, { username: "dana_c" });
    const poll = await api(us, "POST", "/api/v1/statuses", {
      token: dana.token,
      json: { status: "Anticoagulate?", poll: { options: ["Yes", "No"], expires_in: 3600 } },
    });
    expect(poll.status).toBe(200);
    const here = await eventually(
      async () =>
        (await api(uk, "GET", `/api/v2/search?q=${encodeURIComponent(poll.body.uri)}&resolve=true&type=statuses`, { token: alice.token }))
          .body.statuses[0],
      "the poll on UK",
    );
    const voted = await api(uk, "POST", `/api/v1/polls/${here.poll.id}/votes`, { token: alice.token, json: { choices: [0] } });
    expect(voted.status).toBe(200);
    // Before: "0 votes" until the origin's update arrived.
    expect(voted.body.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([1, 0]);
    expect(voted.body.voters_count).toBe(1);
    expect(voted.body.own_votes).toEqual([0]);
    // The origin counts it once; its update leaves the figures as they are (not two votes).
    await eventually(
      async () => (await api(us, "GET", `/api/v1/polls/${poll.body.poll.id}`, { token: dana.token })).body.votes_count === 1,
      "the vote counted at the origin",
    );
    await eventually(() => uk.services.polls.get(here.id)?.remoteCounts === "[1,0]", "the origin's results on UK");
    const after = await api(uk, "GET", `/api/v1/polls/${here.poll.id}`, { token: alice.token });
    expect(after.body.options.map((o: { votes_count: number }) => o.votes_count)).toEqual([1, 0]);
  });

  it("keeps other people's conversations out of home, and applies lists' replies_policy and exclusive", async () => {
    const [reader, writer, stranger] = await Promise.all(
      ["hr_reader", "hr_writer", "hr_stranger"].map((username) => approvedPhysician(uk, ukStaff, { username })),
    );
    const ids = (body: { id: string }[]) => body.map((s) => s.id);
    const home = async () => ids((await api(uk, "GET", "/api/v1/timelines/home?limit=40", { token: reader!.token })).body);
    await api(uk, "POST", `/api/v1/accounts/${writer!.id}/follow`, { token: reader!.token });
    const strangerPost = await api(uk, "POST", "/api/v1/statuses", { token: stranger!.token, json: { status: "A stranger's case" } });
    const readerPost = await api(uk, "POST", "/api/v1/statuses", { token: reader!.token, json: { status: "The reader's case" } });
    const toStranger = await api(uk, "POST", "/api/v1/statuses", {
      token: writer!.token,
      json: { status: "@hr_stranger an answer", in_reply_to_id: strangerPost.body.id },
    });
    const toReader = await api(uk, "POST", "/api/v1/statuses", {
      token: writer!.token,
      json: { status: "@hr_reader an answer", in_reply_to_id: readerPost.body.id },
    });
    const own = await api(uk, "POST", "/api/v1/statuses", { token: writer!.token, json: { status: "Top post" } });
    const selfReply = await api(uk, "POST", "/api/v1/statuses", {
      token: writer!.token,
      json: { status: "A thread, continued", in_reply_to_id: own.body.id },
    });
    let shown = await home();
    expect(shown).not.toContain(toStranger.body.id);
    expect(shown).toEqual(expect.arrayContaining([toReader.body.id, own.body.id, selfReply.body.id]));
    // Following the one answered brings the answer home.
    await api(uk, "POST", `/api/v1/accounts/${stranger!.id}/follow`, { token: reader!.token });
    expect(await home()).toContain(toStranger.body.id);
    await api(uk, "POST", `/api/v1/accounts/${stranger!.id}/unfollow`, { token: reader!.token });
    expect(await home()).not.toContain(toStranger.body.id);

    const list = (await api(uk, "POST", "/api/v1/lists", { token: reader!.token, json: { title: "Writers", replies_policy: "none" } }))
      .body;
    await api(uk, "POST", `/api/v1/lists/${list.id}/accounts`, { token: reader!.token, json: { account_ids: [writer!.id] } });
    const listed = async () => ids((await api(uk, "GET", `/api/v1/timelines/list/${list.id}?limit=40`, { token: reader!.token })).body);
    shown = await listed();
    expect(shown).not.toContain(toStranger.body.id);
    expect(shown).toEqual(expect.arrayContaining([toReader.body.id, selfReply.body.id]));
    await api(uk, "PUT", `/api/v1/lists/${list.id}`, { token: reader!.token, json: { replies_policy: "followed" } });
    expect(await listed()).not.toContain(toStranger.body.id);
    await api(uk, "POST", `/api/v1/accounts/${stranger!.id}/follow`, { token: reader!.token });
    expect(await listed()).toContain(toStranger.body.id);
    // Exclusive: the list's members are read in the list, not at home.
    await api(uk, "PUT", `/api/v1/lists/${list.id}`, { token: reader!.token, json: { exclusive: true } });
    expect((await home()).filter((id) => [own.body.id, selfReply.body.id, toReader.body.id].includes(id))).toEqual([]);
    await api(uk, "PUT", `/api/v1/lists/${list.id}`, { token: reader!.token, json: { exclusive: false } });
    expect(await home()).toContain(own.body.id);
  });

  it("blocks a whole peer instance for one physician: its posts, notifications and followers go, for them only", async () => {
    const [hider, other] = await Promise.all(["db_hider", "db_other"].map((username) => approvedPhysician(uk, ukStaff, { username })));
    const erin = await approvedPhysician(us, usStaff, { username: "erin_c" });
    const erinHere = await resolveAccount(uk, hider!.token, "erin_c", us);
    await resolveAccount(uk, other!.token, "erin_c", us);
    for (const who of [hider!, other!]) await api(uk, "POST", `/api/v1/accounts/${erinHere}/follow`, { token: who.token });
    // Erin follows the hider back (across instances).
    const hiderThere = await resolveAccount(us, erin.token, "db_hider", uk);
    await api(us, "POST", `/api/v1/accounts/${hiderThere}/follow`, { token: erin.token });
    await eventually(
      async () => (await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${erinHere}`, { token: hider!.token })).body[0]?.followed_by,
      "erin following the hider",
    );
    const post = await api(us, "POST", "/api/v1/statuses", { token: erin.token, json: { status: "From the other instance" } });
    await eventually(
      async () =>
        (await api(uk, "GET", "/api/v1/timelines/home", { token: hider!.token })).body.some(
          (s: { uri: string }) => s.uri === post.body.uri,
        ),
      "erin's post at home",
    );
    const host = new URL(us.origin).host;
    expect((await api(uk, "POST", "/api/v1/domain_blocks", { token: hider!.token, json: { domain: host } })).status).toBe(200);
    expect((await api(uk, "GET", "/api/v1/domain_blocks", { token: hider!.token })).body).toEqual([host]);
    const home = async (token: string) =>
      (await api(uk, "GET", "/api/v1/timelines/home", { token })).body.map((s: { uri: string }) => s.uri);
    expect(await home(hider!.token)).not.toContain(post.body.uri);
    expect(await home(other!.token)).toContain(post.body.uri);
    const relationship = (await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${erinHere}`, { token: hider!.token })).body[0];
    expect(relationship.domain_blocking).toBe(true);
    expect(relationship.followed_by).toBe(false);
    // Its physicians' favourites reach the hider no more.
    const mine = await api(uk, "POST", "/api/v1/statuses", { token: hider!.token, json: { status: "Visible to the network" } });
    const mineThere = await eventually(
      async () =>
        (await api(us, "GET", `/api/v2/search?q=${encodeURIComponent(mine.body.uri)}&resolve=true&type=statuses`, { token: erin.token }))
          .body.statuses[0],
      "the hider's post on US",
    );
    await api(us, "POST", `/api/v1/statuses/${mineThere.id}/favourite`, { token: erin.token });
    await eventually(
      () =>
        (uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM favourites WHERE status_id = ?").get(mine.body.id) as { n: number })
          .n === 1,
      "the favourite stored",
    );
    expect((await api(uk, "GET", "/api/v1/notifications?types[]=favourite", { token: hider!.token })).body).toEqual([]);
    expect((await api(uk, "DELETE", "/api/v1/domain_blocks", { token: hider!.token, json: { domain: host } })).status).toBe(200);
    expect(await home(hider!.token)).toContain(post.body.uri);
    expect(
      (await api(uk, "POST", "/api/v1/domain_blocks", { token: hider!.token, json: { domain: new URL(uk.origin).host } })).status,
    ).toBe(422);
  });

  it("features hashtags on a profile, as Mastodon does", async () => {
    await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "A case #nephrology" } });
    const suggested = await api(uk, "GET", "/api/v1/featured_tags/suggestions", { token: alice.token });
    expect(suggested.body.map((t: { name: string }) => t.name)).toContain("nephrology");
    const featured = await api(uk, "POST", "/api/v1/featured_tags", { token: alice.token, json: { name: "#Nephrology" } });
    expect(featured.status).toBe(200);
    expect(featured.body).toMatchObject({ name: "nephrology", statuses_count: "1" });
    const viaTag = await api(uk, "POST", "/api/v1/tags/sepsis/feature", { token: alice.token });
    expect(viaTag.body).toMatchObject({ name: "sepsis", featuring: true });
    const onProfile = await api(uk, "GET", `/api/v1/accounts/${alice.id}/featured_tags`, { token: bob.token });
    expect(onProfile.body.map((t: { name: string }) => t.name).sort()).toEqual(["nephrology", "sepsis"]);
    expect((await api(uk, "DELETE", `/api/v1/featured_tags/${featured.body.id}`, { token: alice.token })).status).toBe(200);
    expect((await api(uk, "POST", "/api/v1/tags/sepsis/unfeature", { token: alice.token })).body.featuring).toBe(false);
    expect((await api(uk, "GET", "/api/v1/featured_tags", { token: alice.token })).body).toEqual([]);
    expect((await api(uk, "POST", "/api/v1/featured_tags", { token: alice.token, json: { name: "not a tag!" } })).status).toBe(422);
    expect((await api(uk, "DELETE", "/api/v1/featured_tags/999999", { token: alice.token })).status).toBe(404);
  });

  it("holds Mastodon's ten featured hashtags when fifteen are asked for at once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => api(uk, "POST", "/api/v1/featured_tags", { token: bob.token, json: { name: `topic${i}` } })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 422).map((a) => a.body.error)).toEqual(
      Array(5).fill("Validation failed: you can feature at most 10 hashtags"),
    );
    const stored = (await api(uk, "GET", "/api/v1/featured_tags", { token: bob.token })).body as { name: string }[];
    expect(stored).toHaveLength(10);
    const featuredOne = stored[0]!.name;
    expect((await api(uk, "GET", `/api/v1/tags/${featuredOne}`, { token: bob.token })).body).toMatchObject({
      name: featuredOne,
      featuring: true,
    });
    expect((await api(uk, "GET", `/api/v1/tags/${featuredOne}`, { token: alice.token })).body).toMatchObject({ featuring: false });
    for (const tag of stored) await api(uk, "POST", `/api/v1/tags/${tag.name}/unfeature`, { token: bob.token });
    expect((await api(uk, "GET", "/api/v1/featured_tags", { token: bob.token })).body).toEqual([]);
  });

  it("frames server-sent events byte for byte as Mastodon does, so Mastodon.py can stream", async () => {
    const controller = new AbortController();
    const response = await fetch(`${uk.origin}/api/v1/streaming/user?access_token=${alice.token}`, { signal: controller.signal });
    const reader = response.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    const first = await reader.read();
    text += decoder.decode(first.value);
    expect(text.startsWith(":)\n")).toBe(true);
    expect(text.startsWith(":)\n\n")).toBe(false);
    await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "Streamed" } });
    while (!text.includes("event: update")) text += decoder.decode((await reader.read()).value);
    while (!/event: update\ndata: .*\n\n/.test(text)) text += decoder.decode((await reader.read()).value);
    controller.abort();
    const events = mastodonPyEvents(text);
    expect(events[0]!.event).toBe("update");
    expect(JSON.parse(events[0]!.data).content).toContain("Streamed");
  });

  it("finds a blocked or muted account by its exact handle, so a client can undo it", async () => {
    expect((await api(uk, "POST", `/api/v1/accounts/${bob.id}/block`, { token: alice.token })).status).toBe(200);
    const byHandle = await api(uk, "GET", "/api/v2/search?q=bob_c&type=accounts", { token: alice.token });
    expect(byHandle.body.accounts.map((a: { id: string }) => a.id)).toContain(bob.id);
    const byFullHandle = await api(uk, "GET", `/api/v2/search?q=${encodeURIComponent(`@bob_c@${new URL(uk.origin).host}`)}&type=accounts`, {
      token: alice.token,
    });
    expect(byFullHandle.body.accounts.map((a: { id: string }) => a.id)).toContain(bob.id);
    // A search by other words still leaves them out.
    const byWords = await api(uk, "GET", "/api/v2/search?q=bob&type=accounts", { token: alice.token });
    expect(byWords.body.accounts.map((a: { id: string }) => a.id)).not.toContain(bob.id);
    expect((await api(uk, "POST", `/api/v1/accounts/${bob.id}/unblock`, { token: alice.token })).status).toBe(200);
  });

  it("takes an RFC 9421 signature made for its https origin when a TLS proxy hands it over plain http", async () => {
    // An instance whose public origin is https, served (as behind nginx) on plain http.
    const behindProxy = await startInstances(1, [{ env: { CONSILIUM_ORIGIN: "https://consilium.test" } }]);
    try {
      const server = behindProxy[0]!;
      const fake = await FakePeer.start();
      try {
        const follow = {
          "@context": AS,
          id: `${fake.origin}/follows/tls`,
          type: "Follow",
          actor: fake.instanceActorUri,
          object: "https://consilium.test/actor",
        };
        const res = await fake.post(`${server.origin}/users/__instance__/inbox`, follow, "__instance__", {
          spec: "rfc9421",
          signedFor: "https://consilium.test/users/__instance__/inbox",
        });
        // Before: 401 (checked against http://…), and the sender retried with draft-cavage.
        expect(res.status).toBe(202);
        const unsigned = await fetch(`${server.origin}/users/__instance__/inbox`, {
          method: "POST",
          headers: { "Content-Type": "application/activity+json" },
          body: JSON.stringify(follow),
        });
        expect(unsigned.status).toBe(401);
      } finally {
        await fake.close();
      }
    } finally {
      await behindProxy.closeAll();
    }
  });

  it("checks an RFC 9421 signature against the public origin behind a TLS proxy", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const keyId = new URL("https://peer.example/actor#main-key");
    const signer = await crypto.subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["sign"],
    );
    const verifier = await crypto.subtle.importKey(
      "spki",
      publicKey.export({ type: "spki", format: "der" }),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["verify"],
    );
    const signed = await signRequest(
      new Request("https://consilium.example/users/alice", { headers: { Accept: "application/activity+json" } }),
      signer,
      keyId,
      { spec: "rfc9421" },
    );
    // What the proxy hands the server: the same request over plain http.
    const proxied = new Request("http://consilium.example/users/alice", { headers: signed.headers });
    const key = new CryptographicKey({ id: keyId, owner: new URL("https://peer.example/actor"), publicKey: verifier });
    const documentLoader = async (url: string) => {
      throw new Error(`no fetch expected: ${url}`);
    };
    const keyCache = { get: async () => key, set: async () => {} };
    expect(await verifyRequest(proxied, { documentLoader, contextLoader: documentLoader, keyCache })).toBeNull();
    expect(
      await verifyRequest(atPublicOrigin(proxied, "https://consilium.example"), {
        documentLoader,
        contextLoader: documentLoader,
        keyCache,
      }),
    ).not.toBeNull();
  });
});
