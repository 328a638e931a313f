import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer, resolveAccount } from "../helpers/network.ts";
import { byHomeRule } from "../helpers/feed.ts";
import { payloadOf, StreamClient } from "../helpers/stream-client.ts";

/**
 * Streaming across two instances: what arrives by federation streams to
 * the followers who may see it, as each would see it over REST, and to no
 * one else.
 */
describe("streaming over two instances", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let alice: Awaited<ReturnType<typeof approvedPhysician>>;
  let carol: Awaited<ReturnType<typeof approvedPhysician>>;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;
  let bobOnUk: string;
  const clients: StreamClient[] = [];
  const open = async (...args: Parameters<typeof StreamClient.open>) => {
    const client = await StreamClient.open(...args);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const staff = { uk: await ownerToken(uk), us: await ownerToken(us) };
    alice = await approvedPhysician(uk, staff.uk, { username: "alice_md" });
    carol = await approvedPhysician(uk, staff.uk, { username: "carol_md" });
    bob = await approvedPhysician(us, staff.us, { username: "bob_md", license_jurisdiction: "US-CA" });
    await peer(uk, staff.uk, us, staff.us);
    bobOnUk = await resolveAccount(uk, alice.token, "bob_md", us);
    await api(uk, "POST", `/api/v1/accounts/${bobOnUk}/follow`, { token: alice.token });
    await eventually(
      async () => (await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${bobOnUk}`, { token: alice.token })).body[0]?.following,
      "alice's follow of bob to be accepted",
    );
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await instances.closeAll();
  });

  it("a follower's stream gets a remote post, its edit and its delete; a reply notifies the author live", async () => {
    const aliceStream = await open(uk.origin, alice.token);
    await aliceStream.subscribed("user");
    await aliceStream.subscribed("public:remote");
    // Browser clients send the token as the WebSocket protocol; the server echoes it.
    const carolStream = await open(uk.origin, carol.token, { via: "protocol" });
    expect(carolStream.ws.protocol).toBe(carol.token);
    await carolStream.subscribed("user");
    await carolStream.subscribed("public");
    const bobStream = await open(us.origin, bob.token, { via: "header", stream: "user:notification" });

    const posted = await api(us, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Remote echo: a new finding" } });
    const update = await aliceStream.next((m) => m.event === "update" && m.stream[0] === "user", "bob's post on alice's home stream");
    const status = payloadOf(update);
    expect(status).toMatchObject({
      uri: posted.body.uri,
      content: "<p>Remote echo: a new finding</p>",
      account: { acct: `bob_md@${new URL(us.origin).host}` },
    });
    // The payload is what REST returns to alice for that status.
    const rest = (await api(uk, "GET", `/api/v1/statuses/${status.id}`, { token: alice.token })).body;
    expect(status).toEqual(rest);
    await aliceStream.next((m) => m.event === "update" && m.stream[0] === "public:remote", "bob's post on the remote public stream");
    // Carol does not follow bob: the public stream carries it, her home stream does not.
    await carolStream.next((m) => m.event === "update" && m.stream[0] === "public", "bob's post on carol's public stream");

    await api(us, "PUT", `/api/v1/statuses/${posted.body.id}`, { token: bob.token, json: { status: "Remote echo: a corrected finding" } });
    const edited = await aliceStream.next((m) => m.event === "status.update", "the edit");
    expect(payloadOf(edited)).toMatchObject({
      id: status.id,
      content: "<p>Remote echo: a corrected finding</p>",
      edited_at: expect.any(String),
    });

    const reply = await api(uk, "POST", "/api/v1/statuses", {
      token: alice.token,
      json: { status: "What did the echo show?", in_reply_to_id: status.id },
    });
    expect(reply.status).toBe(200);
    const notification = payloadOf(await bobStream.next((m) => m.event === "notification", "the reply notification on bob's stream"));
    expect(notification).toMatchObject({
      type: "mention",
      account: { acct: `alice_md@${new URL(uk.origin).host}` },
      status: { content: expect.stringContaining("What did the echo show?") },
    });

    await api(us, "DELETE", `/api/v1/statuses/${posted.body.id}`, { token: bob.token });
    const deleted = await aliceStream.next((m) => m.event === "delete", "the delete");
    expect(deleted.payload).toBe(status.id);
    expect(carolStream.find("update", "Remote echo", "user")).toBeUndefined();
    // The materialised home feeds followed the remote post in and out.
    for (const viewer of [alice, carol]) expect(uk.services.homeFeed.all(viewer.id)).toEqual(byHomeRule(uk, viewer.id));
  });

  it("a followers-only post reaches the follower's stream and never a non-follower's", async () => {
    const aliceStream = await open(uk.origin, alice.token);
    await aliceStream.subscribed("user");
    const carolStream = await open(uk.origin, carol.token);
    for (const s of ["user", "public", "public:remote"]) await carolStream.subscribed(s);
    await carolStream.subscribed("hashtag", { tag: "nephrology" });

    await api(us, "POST", "/api/v1/statuses", {
      token: bob.token,
      json: { status: "For followers only #nephrology", visibility: "private" },
    });
    await aliceStream.next(
      (m) => m.event === "update" && (m.payload ?? "").includes("For followers only"),
      "the private post on alice's stream",
    );
    // A public post after it: once carol has that, she would have had the private one.
    await api(us, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "For everyone #nephrology" } });
    await carolStream.next(
      (m) => m.event === "update" && m.stream[0] === "hashtag" && (m.payload ?? "").includes("For everyone"),
      "the public post on carol's hashtag stream",
    );
    await carolStream.next((m) => m.event === "update" && m.stream[0] === "public:remote", "the public post on carol's remote stream");
    expect(carolStream.messages.filter((m) => (m.payload ?? "").includes("For followers only"))).toEqual([]);
  });

  it("server-sent events carry the same events, and a hashtag stream its tag", async () => {
    expect(await (await fetch(`${uk.origin}/api/v1/streaming/health`)).text()).toBe("OK");
    const controller = new AbortController();
    const response = await fetch(`${uk.origin}/api/v1/streaming/user`, {
      headers: { Authorization: `Bearer ${alice.token}` },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    const read = async (until: RegExp) => {
      const deadline = Date.now() + 15_000;
      while (!until.test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended; got ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await read(/^:\)/);
    await api(us, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Sent as an event" } });
    await read(/event: update\ndata: \{.*Sent as an event.*\}\n\n/);
    controller.abort();
    await reader.cancel().catch(() => {});
    await eventually(
      () => uk.streaming.size === clients.filter((c) => c.ws.readyState === c.ws.OPEN).length,
      "the SSE connection to leave the hub",
    );
  });

  it("posts by a remote account alice blocked stop reaching her streams", async () => {
    const aliceOnUs = await resolveAccount(us, bob.token, "alice_md", uk);
    const aliceStream = await open(uk.origin, alice.token);
    await aliceStream.subscribed("public");
    const blocked = await api(uk, "POST", `/api/v1/accounts/${bobOnUk}/block`, { token: alice.token });
    expect(blocked.body).toMatchObject({ blocking: true, following: false });
    const carolStream = await open(uk.origin, carol.token);
    await carolStream.subscribed("public");
    await api(us, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "After the block" } });
    await carolStream.next((m) => (m.payload ?? "").includes("After the block"), "bob's post on carol's stream");
    await api(uk, "POST", "/api/v1/statuses", { token: carol.token, json: { status: "Carol after the block" } });
    await aliceStream.next((m) => (m.payload ?? "").includes("Carol after the block"), "carol's post on alice's stream");
    expect(aliceStream.find("update", "After the block")).toBeUndefined();
    // Bob's instance learnt of the block (a federated Block): it reports alice blocking bob.
    await eventually(
      async () => (await api(us, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnUs}`, { token: bob.token })).body[0]?.blocked_by,
      "the Block to reach bob's instance",
    );
    await api(uk, "POST", `/api/v1/accounts/${bobOnUk}/unblock`, { token: alice.token });
    await eventually(
      async () =>
        (await api(us, "GET", `/api/v1/accounts/relationships?id[]=${aliceOnUs}`, { token: bob.token })).body[0]?.blocked_by === false,
      "the Undo(Block) to reach bob's instance",
    );
  });
});
