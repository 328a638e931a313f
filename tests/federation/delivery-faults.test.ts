import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { restart, start, startInstances, stop, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet } from "../helpers/network.ts";

describe("delivery that loses nothing", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc: Awaited<ReturnType<typeof approvedPhysician>>;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    ukDoc = await approvedPhysician(uk, ukStaff, { username: "uk_doc" });
    usDoc = await approvedPhysician(us, usStaff, { username: "us_doc" });
    await peer(uk, ukStaff, us, usStaff);
  }, 60_000);
  afterAll(() => instances.closeAll());

  it("a peer that is down receives the case once it is back, create before update", async () => {
    await stop(us);
    const posted = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "While US was down", case: { kind: "teaching", title: "Down-time case", specialties: ["neurology"] } },
    });
    expect(posted.status).toBe(200);
    const edited = await api(uk, "PUT", `/api/v1/statuses/${posted.body.id}`, {
      token: ukDoc.token,
      json: {
        status: "While US was down (edited)",
        case: { kind: "teaching", title: "Down-time case, revised", specialties: ["neurology"] },
      },
    });
    expect(edited.status).toBe(200);
    // A delivery to US has failed and waits for its retry before US comes back.
    await eventually(
      () => uk.queues.outbox.lanes().some((l) => new URL(l.origin).host === new URL(us.origin).host && l.ready < l.queued),
      "a failed delivery to US waiting for its retry",
      30_000,
    );
    await start(us);
    const arrived = await eventually(
      async () => {
        const s = await findByUri(us, usDoc.token, posted.body.uri);
        return s?.case?.title === "Down-time case, revised" ? s : null;
      },
      "the edited case on US after its restart",
      30_000,
    );
    expect(arrived.content).toContain("(edited)");
  }, 45_000);

  it("an instance that dies before delivering delivers after its restart", async () => {
    // The queue is held, as if the process were killed right after the post was accepted.
    await restart(uk, { startQueue: false });
    const posted = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "Posted just before the crash" } });
    expect(posted.status).toBe(200);
    const queued = (uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM fedify_queue").get() as { n: number }).n;
    expect(queued).toBeGreaterThan(0);
    // No queue runs on UK, so nothing can have been delivered: the absence needs no wait.
    expect(await findByUri(us, usDoc.token, posted.body.uri)).toBeUndefined();
    await restart(uk);
    await eventually(() => findByUri(us, usDoc.token, posted.body.uri), "the post on US after UK's restart", 20_000);
  }, 40_000);

  it("delivers a network post with one request per peer, however many followers live there", async () => {
    // Three US physicians follow the UK author; the post still reaches US once.
    const usStaffToken = await ownerToken(us);
    const followers = [usDoc];
    for (let i = 0; i < 2; i++) followers.push(await approvedPhysician(us, usStaffToken));
    const ukOnUs = (
      await api(us, "GET", `/api/v2/search?q=@uk_doc@${new URL(uk.origin).host}&resolve=true&type=accounts`, { token: usDoc.token })
    ).body.accounts[0].id;
    for (const f of followers) await api(us, "POST", `/api/v1/accounts/${ukOnUs}/follow`, { token: f.token });
    await eventually(() => uk.services.follows.counts(ukDoc.id).followers === 3, "three followers on UK");
    for (const f of followers) {
      await eventually(
        async () => (await api(us, "GET", `/api/v1/accounts/relationships?id[]=${ukOnUs}`, { token: f.token })).body[0]?.following,
        "each follow accepted on US",
      );
    }
    const inboxPosts: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (request.method === "POST" && request.url.startsWith(us.origin) && /inbox$/.test(new URL(request.url).pathname)) {
        const type = JSON.parse(await request.clone().text()).type;
        if (type === "Create") inboxPosts.push(request.url);
      }
      return original(input, init);
    }) as typeof fetch;
    try {
      const posted = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: "One request per peer" } });
      await eventually(() => findByUri(us, usDoc.token, posted.body.uri), "the post on US");
      // Every delivery UK had to make is made: a second request would have been sent by now.
      await quiet([uk], "UK's outbox to drain");
    } finally {
      globalThis.fetch = original;
    }
    expect(inboxPosts, JSON.stringify(inboxPosts)).toEqual([`${us.origin}/inbox`]);
  }, 40_000);
});
