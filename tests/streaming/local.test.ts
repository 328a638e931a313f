import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, createApp, ownerToken, quickPhysicians } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually } from "../helpers/network.ts";
import { payloadOf, StreamClient } from "../helpers/stream-client.ts";

/**
 * The streaming API on one instance: who may connect, what each stream
 * carries for its subscriber (filters, mutes, lists, followed tags, direct
 * threads), heartbeats that notice a revoked token, and a client that stops
 * reading being dropped rather than buffered.
 */
describe("streaming on one instance", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let alice: Awaited<ReturnType<typeof approvedPhysician>>;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;
  let dave: Awaited<ReturnType<typeof approvedPhysician>>;
  const clients: StreamClient[] = [];
  const open = async (...args: Parameters<typeof StreamClient.open>) => {
    const client = await StreamClient.open(...args);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    instances = await startInstances(1, [{ streaming: { heartbeatMs: 300, maxBufferedBytes: 64 * 1024 } }]);
    uk = instances[0]!;
    const staff = await ownerToken(uk);
    alice = await approvedPhysician(uk, staff, { username: "alice_md" });
    bob = await approvedPhysician(uk, staff, { username: "bob_md" });
    dave = await approvedPhysician(uk, staff, { username: "dave_md" });
    for (const target of [bob, dave]) await api(uk, "POST", `/api/v1/accounts/${target.id}/follow`, { token: alice.token });
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await instances.closeAll();
  });

  it("refuses a missing or wrong token, an app token and an unknown stream, with Mastodon's errors", async () => {
    for (const token of [null, "not-a-token"]) await expect(StreamClient.open(uk.origin, token)).rejects.toMatchObject({ status: 401 });
    const app = await createApp(uk, "read");
    const appOnly = await api(uk, "POST", "/oauth/token", {
      json: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "read" },
    });
    await expect(StreamClient.open(uk.origin, appOnly.body.access_token)).rejects.toMatchObject({ status: 401 });
    await expect(StreamClient.open(uk.origin, alice.token, { stream: "nonsense" })).rejects.toMatchObject({ status: 400 });
    expect((await fetch(`${uk.origin}/api/v1/streaming/user`)).status).toBe(401);
    expect((await fetch(`${uk.origin}/api/v1/streaming/nonsense`, { headers: { Authorization: `Bearer ${alice.token}` } })).status).toBe(
      400,
    );

    const stream = await open(uk.origin, alice.token);
    stream.ws.send("{not json");
    stream.ws.send(JSON.stringify({ type: "dance" }));
    stream.subscribe("nonsense");
    stream.subscribe("hashtag");
    const bobsList = await api(uk, "POST", "/api/v1/lists", { token: bob.token, json: { title: "Bob's" } });
    stream.subscribe("list", { list: bobsList.body.id });
    await stream.subscribed("user");
    expect(stream.errors).toEqual([
      { error: "Invalid JSON", status: 400 },
      { error: "Unknown message type", status: 400 },
      { error: "Unknown stream type", status: 400 },
      { error: "Missing tag name parameter", status: 400 },
      { error: "Unknown list", status: 400 },
    ]);
    expect(stream.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("home, list, followed tag and direct streams carry what the REST timelines show", async () => {
    const stream = await open(uk.origin, alice.token, { via: "header" });
    await stream.subscribed("user");
    await stream.subscribed("direct");
    const list = await api(uk, "POST", "/api/v1/lists", { token: alice.token, json: { title: "Dave" } });
    await api(uk, "POST", `/api/v1/lists/${list.body.id}/accounts`, { token: alice.token, json: { account_ids: [dave.id] } });
    await stream.subscribed("list", { list: list.body.id });
    await api(uk, "POST", "/api/v1/tags/nephrology/follow", { token: alice.token });

    const stranger = await approvedPhysician(uk, await ownerToken(uk), { username: "erin_md" });
    await api(uk, "POST", "/api/v1/statuses", { token: stranger.token, json: { status: "A case for #Nephrology" } });
    const tagged = await stream.next(
      (m) => m.event === "update" && (m.payload ?? "").includes("A case for"),
      "the followed tag on the home stream",
    );
    expect(tagged.stream).toEqual(["user"]);

    await api(uk, "POST", "/api/v1/statuses", { token: dave.token, json: { status: "Dave on the list" } });
    await stream.next((m) => m.stream[0] === "list" && (m.payload ?? "").includes("Dave on the list"), "dave's post on the list stream");
    expect(stream.messages.find((m) => m.stream[0] === "list")!.stream).toEqual(["list", list.body.id]);

    const dm = await api(uk, "POST", "/api/v1/statuses", {
      token: bob.token,
      json: { status: "@alice_md just between us", visibility: "direct" },
    });
    const conversation = payloadOf(await stream.next((m) => m.event === "conversation", "the direct thread"));
    expect(conversation).toMatchObject({ unread: true, last_status: { id: dm.body.id } });
    expect(conversation).toEqual((await api(uk, "GET", "/api/v1/conversations", { token: alice.token })).body[0]);
    // A direct post is a conversation and a notification, never a home timeline update.
    expect(stream.messages.filter((m) => m.event === "update" && m.payload!.includes("just between us"))).toEqual([]);
    await stream.next((m) => m.event === "notification" && m.payload!.includes("just between us"), "the mention");
  });

  it("applies each subscriber's filters and mutes, and tells the client when they change", async () => {
    const stream = await open(uk.origin, alice.token);
    await stream.subscribed("user");
    const filter = await api(uk, "POST", "/api/v2/filters", {
      token: alice.token,
      json: { title: "Labs", context: ["home"], filter_action: "warn", keywords_attributes: [{ keyword: "troponin" }] },
    });
    await stream.next((m) => m.event === "filters_changed", "filters_changed");
    await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Troponin rising" } });
    const warned = payloadOf(await stream.next((m) => m.event === "update" && m.payload!.includes("Troponin rising"), "the warned post"));
    expect(warned.filtered).toEqual([
      expect.objectContaining({ keyword_matches: ["troponin"], filter: expect.objectContaining({ id: filter.body.id }) }),
    ]);

    await api(uk, "PUT", `/api/v2/filters/${filter.body.id}`, { token: alice.token, json: { filter_action: "hide" } });
    await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Troponin falling" } });
    await api(uk, "POST", `/api/v1/accounts/${dave.id}/mute`, { token: alice.token });
    await api(uk, "POST", "/api/v1/statuses", { token: dave.token, json: { status: "Dave while muted" } });
    await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Bob after both" } });
    await stream.next((m) => m.payload?.includes("Bob after both") ?? false, "the post after the hidden ones");
    expect(stream.find("update", "Troponin falling")).toBeUndefined();
    expect(stream.find("update", "Dave while muted")).toBeUndefined();

    await api(uk, "POST", `/api/v1/accounts/${dave.id}/unmute`, { token: alice.token });
    await stream.next((m) => m.event === "notifications_merged", "notifications_merged after the unmute");
    await api(uk, "DELETE", `/api/v2/filters/${filter.body.id}`, { token: alice.token });
  });

  it("ends a stream at the next heartbeat once its token is revoked", async () => {
    const app = await createApp(uk, "read write");
    const issued = uk.services.oauth.issueForAccount(uk.services.oauth.findApp(app.client_id)!.id, alice.id, ["read"]);
    const stream = await open(uk.origin, issued.accessToken);
    await stream.subscribed("user");
    const sse = await fetch(`${uk.origin}/api/v1/streaming/user?access_token=${issued.accessToken}`);
    const closed = new Promise<number>((resolve) => stream.ws.once("close", (code) => resolve(code)));
    const revoked = await api(uk, "POST", "/oauth/revoke", {
      json: { client_id: app.client_id, client_secret: app.client_secret, token: issued.accessToken },
    });
    expect(revoked.status).toBe(200);
    expect(await closed).toBe(1008);
    // The SSE body ends too (reading it to the end returns).
    expect(await sse.text()).toMatch(/^:\)/);
  });

  it("drops a client that stops reading instead of buffering for it", async () => {
    // Its own instance, with heartbeats too slow to be what drops the client.
    const started = await startInstances(1, [{ streaming: { heartbeatMs: 600_000, maxBufferedBytes: 64 * 1024 } }]);
    const quiet = started[0];
    try {
      const [reader, writer] = await quickPhysicians(quiet!, 2);
      const watcher = await StreamClient.open(quiet!.origin, reader!.token);
      await watcher.subscribed("public:local");
      // Clients that complete the handshake (WebSocket, and SSE) and then never read a byte.
      const host = new URL(quiet!.origin).host;
      const silent = (request: string) => {
        const socket = connect(Number(new URL(quiet!.origin).port), "127.0.0.1");
        socket.write(request);
        socket.pause();
        return socket;
      };
      const slow = [
        silent(
          `GET /api/v1/streaming?stream=public:local&access_token=${reader!.token} HTTP/1.1\r\nHost: ${host}\r\n` +
            `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
        silent(`GET /api/v1/streaming/public/local HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${reader!.token}\r\n\r\n`),
      ];
      await eventually(() => quiet!.streaming.size === 3, "the silent clients to connect");
      const posted = await api(quiet!, "POST", "/api/v1/statuses", {
        token: writer!.token,
        json: { status: `Long read ${"x".repeat(4000)}` },
      });
      const row = quiet!.services.store.get(posted.body.id)!;
      // Replay its update until the silent client is cut off (kernel buffers absorb a few MB first).
      let sent = 0;
      for (; sent < 20_000 && quiet!.streaming.size > 1; sent++) {
        quiet!.services.events.emit({ type: "status.updated", status: row });
        if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await eventually(() => quiet!.streaming.size === 1, "the slow clients to be dropped");
      expect(sent).toBeLessThan(20_000);
      // The reading subscriber kept receiving all along.
      expect(watcher.ws.readyState).toBe(WebSocket.OPEN);
      await eventually(
        () => watcher.messages.filter((m) => m.event === "status.update").length >= sent - 50,
        "the reading client to get every update",
      );
      watcher.close();
      for (const socket of slow) socket.destroy();
    } finally {
      await started.closeAll();
    }
  });
});
