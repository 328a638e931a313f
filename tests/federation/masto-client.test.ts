import { createRestAPIClient } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer } from "../helpers/network.ts";

describe("a stock client (masto.js) across two instances", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukToken: string, usToken: string;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    ukToken = (await approvedPhysician(uk, ukStaff, { username: "masto_uk" })).token;
    usToken = (await approvedPhysician(us, usStaff, { username: "masto_us" })).token;
    await peer(uk, ukStaff, us, usStaff);
  }, 60_000);
  afterAll(() => instances.closeAll());

  it("posts a case, reads home and tag timelines, replies, favourites and reads notifications", async () => {
    const ukClient = createRestAPIClient({ url: uk.origin, accessToken: ukToken });
    const usClient = createRestAPIClient({ url: us.origin, accessToken: usToken });

    // US follows the UK physician, found by handle.
    const found = await usClient.v2.search.list({ q: `@masto_uk@${new URL(uk.origin).host}`, resolve: true, type: "accounts" });
    expect(found.accounts).toHaveLength(1);
    await usClient.v1.accounts.$select(found.accounts[0]!.id).follow();
    await eventually(
      async () => (await usClient.v1.accounts.relationships.fetch({ id: [found.accounts[0]!.id] }))[0]?.following,
      "the follow accepted",
    );

    // masto.js sends the extra `case` object as JSON like any other parameter.
    const status = await ukClient.v1.statuses.create({
      status: "Hyponatraemia on a thiazide: stop and recheck? #renal",
      visibility: "public",
      case: { kind: "help", title: "Na 121 on indapamide", specialties: ["nephrology"], question: "Stop and recheck in 48 h?" },
    } as Parameters<typeof ukClient.v1.statuses.create>[0]);
    expect((status as unknown as { case: { title: string } }).case.title).toBe("Na 121 on indapamide");

    const home = await eventually(async () => {
      const timeline = await usClient.v1.timelines.home.list({ limit: 20 });
      return timeline.find((s) => s.uri === status.uri);
    }, "the case in US home");
    const tagged = await usClient.v1.timelines.tag.$select("nephrology").list();
    expect(tagged.map((s) => s.uri)).toContain(status.uri);

    const reply = await usClient.v1.statuses.create({
      status: `@masto_uk@${new URL(uk.origin).host} Yes, and restrict fluids.`,
      inReplyToId: home.id,
    });
    await usClient.v1.statuses.$select(home.id).favourite();

    const notifications = await eventually(async () => {
      const list = await ukClient.v1.notifications.list();
      return list.some((n) => n.type === "mention") && list.some((n) => n.type === "favourite") ? list : null;
    }, "mention and favourite notifications on UK");
    expect(notifications.find((n) => n.type === "mention")!.status!.uri).toBe(reply.uri);
    const context = await ukClient.v1.statuses.$select(status.id).context.fetch();
    expect(context.descendants.map((s) => s.uri)).toEqual([reply.uri]);
    const grouped = await ukClient.v2.notifications.list();
    expect(grouped.notificationGroups.length).toBeGreaterThanOrEqual(2);
    const marker = await ukClient.v1.markers.create({ notifications: { lastReadId: notifications[0]!.id } });
    expect(marker.notifications?.lastReadId).toBe(notifications[0]!.id);
  });
});
