import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet, resolveAccount } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

/**
 * Blocks and pins between two instances: a block goes out as Block (and
 * Undo), the blocked side's instance stops showing and sending across it;
 * pins go out as Add/Remove to the actor's featured collection.
 */
describe("blocks and pins across instances", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let alice: Awaited<ReturnType<typeof approvedPhysician>>;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;
  let aliceOnUs: string;
  let bobOnUk: string;
  const relationshipOn = async (inst: TestInstance, token: string, id: string) =>
    (await api(inst, "GET", `/api/v1/accounts/relationships?id[]=${id}`, { token })).body[0];
  const followersOf = async (inst: TestInstance, token: string, id: string) =>
    (await api(inst, "GET", `/api/v1/accounts/${id}/followers`, { token })).body.map((a: { acct: string }) => a.acct) as string[];

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const staff = { uk: await ownerToken(uk), us: await ownerToken(us) };
    alice = await approvedPhysician(uk, staff.uk, { username: "alice_md" });
    bob = await approvedPhysician(us, staff.us, { username: "bob_md", license_jurisdiction: "US-CA" });
    await peer(uk, staff.uk, us, staff.us);
    aliceOnUs = await resolveAccount(us, bob.token, "alice_md", uk);
    bobOnUk = await resolveAccount(uk, alice.token, "bob_md", us);
    await api(us, "POST", `/api/v1/accounts/${aliceOnUs}/follow`, { token: bob.token });
    await eventually(async () => (await relationshipOn(us, bob.token, aliceOnUs))?.following, "bob's follow of alice");
  }, 60_000);
  afterAll(() => instances.closeAll());

  it("an incoming Block severs the follow, is reported as blocked_by, forbids following back, and Undo lifts it", async () => {
    const bobAcct = `bob_md@${new URL(us.origin).host}`;
    expect(await followersOf(uk, alice.token, alice.id)).toContain(bobAcct);
    const blocked = await api(us, "POST", `/api/v1/accounts/${aliceOnUs}/block`, { token: bob.token });
    expect(blocked.body).toMatchObject({ blocking: true, following: false });
    await eventually(async () => (await relationshipOn(uk, alice.token, bobOnUk))?.blocked_by, "the Block to arrive on UK");
    expect(await followersOf(uk, alice.token, alice.id)).not.toContain(bobAcct);
    // Alice's instance will not carry a follow across the block.
    expect((await api(uk, "POST", `/api/v1/accounts/${bobOnUk}/follow`, { token: alice.token })).status).toBe(403);
    // Nor do alice's posts reach bob now: the post stays off US (a later post of alice's to a US follower would arrive).
    const after = (await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "Alice, unseen by bob" } })).body;
    await quiet([uk, us], "alice's post delivered wherever it goes");
    expect(await findByUri(us, bob.token, after.uri)).toBeUndefined();

    await api(us, "POST", `/api/v1/accounts/${aliceOnUs}/unblock`, { token: bob.token });
    await eventually(async () => (await relationshipOn(uk, alice.token, bobOnUk))?.blocked_by === false, "the Undo(Block) to arrive on UK");
    // The follow does not come back by itself; bob may follow again.
    expect(await followersOf(uk, alice.token, alice.id)).not.toContain(bobAcct);
    await api(us, "POST", `/api/v1/accounts/${aliceOnUs}/follow`, { token: bob.token });
    await eventually(async () => (await relationshipOn(us, bob.token, aliceOnUs))?.following, "bob's new follow of alice");
  });

  it("a pin is published in the featured collection and reaches the follower's instance; unpinning removes it", async () => {
    const post = (await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "My standing advice on DOACs" } })).body;
    const onUs = await eventually(() => findByUri(us, bob.token, post.uri), "the post on US");
    expect((await api(uk, "POST", `/api/v1/statuses/${post.id}/pin`, { token: alice.token })).body.pinned).toBe(true);
    const featured = await (await signedFetch(us, `${uk.origin}/users/alice_md/featured`)).json();
    expect(featured).toMatchObject({ type: "OrderedCollection", totalItems: 1 });
    expect(JSON.stringify(featured.orderedItems)).toContain(post.uri);
    const pinnedOnUs = async () =>
      (await api(us, "GET", `/api/v1/accounts/${aliceOnUs}/statuses?pinned=true`, { token: bob.token })).body.map(
        (s: { id: string }) => s.id,
      );
    await eventually(async () => (await pinnedOnUs()).includes(onUs.id), "the pin (Add) on US");
    await api(uk, "POST", `/api/v1/statuses/${post.id}/unpin`, { token: alice.token });
    await eventually(async () => (await pinnedOnUs()).length === 0, "the unpin (Remove) on US");
    // A stranger without a signature gets nothing from the closed network.
    expect((await fetch(`${uk.origin}/users/alice_md/featured`, { headers: { Accept: "application/activity+json" } })).status).toBe(401);
  });
});
