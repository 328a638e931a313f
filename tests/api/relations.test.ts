import { createRestAPIClient, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

/**
 * Blocks, mutes and thread mutes on one instance, through masto.js: the
 * blocked or muted vanish from the timelines, notifications and threads of
 * the one who chose it, and relationships say so truthfully.
 */
describe("blocks and mutes", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let alice: Awaited<ReturnType<typeof approvedPhysician>>;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;
  let dave: Awaited<ReturnType<typeof approvedPhysician>>;
  let masto: mastodon.rest.Client;
  const ids = async (path: string, token = alice.token) =>
    (await api(uk, "GET", path, { token })).body.map((s: { id: string }) => s.id) as string[];

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    const staff = await ownerToken(uk);
    alice = await approvedPhysician(uk, staff, { username: "alice_md" });
    bob = await approvedPhysician(uk, staff, { username: "bob_md" });
    dave = await approvedPhysician(uk, staff, { username: "dave_md" });
    masto = createRestAPIClient({ url: uk.origin, accessToken: alice.token });
    for (const target of [bob, dave]) await masto.v1.accounts.$select(target.id).follow();
    await api(uk, "POST", `/api/v1/accounts/${alice.id}/follow`, { token: bob.token });
  });
  afterAll(() => instances.closeAll());

  it("a block ends follows both ways and hides the blocked from timelines, threads, notifications and search", async () => {
    const root = await masto.v1.statuses.create({ status: "A thread about anticoagulation" });
    const bobReply = (
      await api(uk, "POST", "/api/v1/statuses", {
        token: bob.token,
        json: { status: "@alice_md what about renal function?", in_reply_to_id: root.id },
      })
    ).body;
    const bobPost = (await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Bob's own post" } })).body;

    const relationship = await masto.v1.accounts.$select(bob.id).block();
    expect(relationship).toMatchObject({ id: bob.id, blocking: true, following: false, followedBy: false, muting: false });
    expect((await masto.v1.blocks.list()).map((a) => a.id)).toEqual([bob.id]);
    // Bob sees it as blocked_by and can no longer follow.
    expect((await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${alice.id}`, { token: bob.token })).body[0]).toMatchObject({
      blocked_by: true,
      following: false,
    });
    expect((await api(uk, "POST", `/api/v1/accounts/${alice.id}/follow`, { token: bob.token })).status).toBe(403);

    expect(await ids("/api/v1/timelines/home")).not.toContain(bobPost.id);
    expect(await ids("/api/v1/timelines/public?local=true")).not.toContain(bobPost.id);
    expect((await masto.v1.statuses.$select(root.id).context.fetch()).descendants.map((s) => s.id)).not.toContain(bobReply.id);
    expect((await masto.v1.notifications.list()).filter((n) => n.account?.id === bob.id)).toEqual([]);
    expect((await api(uk, "GET", `/api/v1/statuses/${bobPost.id}`, { token: alice.token })).status).toBe(404);
    // Nor can bob reply to, favourite or see alice's posts.
    expect((await api(uk, "GET", `/api/v1/statuses/${root.id}`, { token: bob.token })).status).toBe(404);
    expect((await api(uk, "POST", `/api/v1/statuses/${root.id}/favourite`, { token: bob.token })).status).toBe(404);

    const undone = await masto.v1.accounts.$select(bob.id).unblock();
    expect(undone).toMatchObject({ blocking: false, following: false });
    expect(await masto.v1.blocks.list()).toEqual([]);
    expect((await masto.v1.statuses.$select(root.id).context.fetch()).descendants.map((s) => s.id)).toContain(bobReply.id);
    // Follows do not come back on their own.
    await masto.v1.accounts.$select(bob.id).follow();
  });

  it("a mute hides posts and, unless told otherwise, notifications; it can expire", async () => {
    const relationship = await masto.v1.accounts.$select(dave.id).mute({ notifications: false, duration: 3600 });
    expect(relationship).toMatchObject({ muting: true, mutingNotifications: false, following: true });
    const muted = (await api(uk, "GET", "/api/v1/mutes", { token: alice.token })).body;
    expect(muted.map((a: { id: string }) => a.id)).toEqual([dave.id]);
    const post = (await api(uk, "POST", "/api/v1/statuses", { token: dave.token, json: { status: "@alice_md muted but mentioning" } }))
      .body;
    expect(await ids("/api/v1/timelines/home")).not.toContain(post.id);
    // notifications: false keeps the mention notification.
    expect((await masto.v1.notifications.list()).some((n) => n.status?.id === post.id)).toBe(true);

    await masto.v1.accounts.$select(dave.id).mute({ notifications: true });
    expect((await masto.v1.notifications.list()).some((n) => n.status?.id === post.id)).toBe(false);
    // Mute expiry: an hour later (the instance's clock moved), dave is back.
    await masto.v1.accounts.$select(dave.id).mute({ duration: 60 });
    const later = new Date(Date.now() + 120_000);
    expect(uk.services.relationQueries.hiddenFrom(alice.id, later).has(dave.id)).toBe(false);
    await masto.v1.accounts.$select(dave.id).unmute();
    expect(await ids("/api/v1/timelines/home")).toContain(post.id);
    expect((await masto.v1.accounts.relationships.fetch({ id: [dave.id] }))[0]).toMatchObject({ muting: false });
  });

  it("a muted conversation stops notifying, and unmuting brings it back", async () => {
    const root = await masto.v1.statuses.create({ status: "A long case discussion" });
    const muted = await masto.v1.statuses.$select(root.id).mute();
    expect(muted.muted).toBe(true);
    const quiet = (
      await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Another thought", in_reply_to_id: root.id } })
    ).body;
    expect((await masto.v1.notifications.list()).some((n) => n.status?.id === quiet.id)).toBe(false);
    // The thread itself is still readable.
    expect((await masto.v1.statuses.$select(root.id).context.fetch()).descendants.map((s) => s.id)).toContain(quiet.id);
    expect((await masto.v1.statuses.$select(root.id).unmute()).muted).toBe(false);
    const loud = (await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "And another", in_reply_to_id: root.id } }))
      .body;
    expect((await masto.v1.notifications.list()).some((n) => n.status?.id === loud.id)).toBe(true);
    expect((await api(uk, "POST", "/api/v1/statuses/999999999999/mute", { token: alice.token })).status).toBe(404);
  });

  it("refuses to block or mute oneself or no one", async () => {
    expect((await api(uk, "POST", `/api/v1/accounts/${alice.id}/block`, { token: alice.token })).status).toBe(422);
    expect((await api(uk, "POST", `/api/v1/accounts/${alice.id}/mute`, { token: alice.token })).status).toBe(422);
    expect((await api(uk, "POST", "/api/v1/accounts/999999999999/block", { token: alice.token })).status).toBe(404);
    expect((await api(uk, "POST", `/api/v1/accounts/${dave.id}/mute`, { token: alice.token, json: { duration: "soon" } })).status).toBe(
      422,
    );
  });
});
