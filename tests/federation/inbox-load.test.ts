import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

// The correctness half of the inbox benchmark: timings live in `npm run bench`.
describe("inbox under a burst", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    await approvedPhysician(us, usStaff, { username: "us_sender" });
    await peer(uk, ukStaff, us, usStaff);
  }, 60_000);
  afterAll(() => instances.closeAll());

  it("persists 200 distinct activities exactly once, duplicates included", async () => {
    const account = us.services.accounts.findByUsername("us_sender")!;
    const [rsa] = await us.services.keys.keyPairs(account.id);
    const actorUri = `${us.origin}/users/us_sender`;
    const actor = (await (await signedFetch(uk, actorUri)).json()) as { publicKey: { id: string } };
    const audience = `${us.origin}/users/__instance__/followers`;
    const send = (i: number) => {
      const uri = `${actorUri}/statuses/burst-${i}`;
      const body = JSON.stringify({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${uri}#create`,
        type: "Create",
        actor: actorUri,
        to: [audience],
        object: {
          id: uri,
          type: "Note",
          attributedTo: actorUri,
          content: `<p>Burst ${i}: BP 120/80.</p>`,
          published: new Date().toISOString(),
          to: [audience],
        },
      });
      return signedFetch(us, `${uk.origin}/inbox`, {
        method: "POST",
        body,
        privateKey: rsa!.privateKey,
        keyId: new URL(actor.publicKey.id),
      });
    };
    // 200 distinct activities, 20 of them sent twice, all at once.
    const responses = await Promise.all([
      ...Array.from({ length: 200 }, (_, i) => send(i)),
      ...Array.from({ length: 20 }, (_, i) => send(i * 10)),
    ]);
    expect(responses.filter((r) => r.status >= 300).map((r) => r.status)).toEqual([]);
    const count = () =>
      (
        uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM statuses WHERE uri LIKE ?").get(`${actorUri}/statuses/burst-%`) as {
          n: number;
        }
      ).n;
    await eventually(() => count() === 200, "all 200 persisted", 60_000);
    // Every accepted activity applied (duplicates included): none is left to add a 201st.
    await eventually(() => uk.queues.inbox.depth().queued === 0, "UK's inbox to drain");
    expect(count()).toBe(200);
    const distinct = uk.services.database.sqlite
      .prepare("SELECT count(DISTINCT uri) AS n FROM statuses WHERE uri LIKE ?")
      .get(`${actorUri}/statuses/burst-%`) as { n: number };
    expect(distinct.n).toBe(200);
  }, 90_000);
});
