import { UPDATE_INTERVAL_MS } from "../../src/domain/polls/service.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken, quickPhysicians } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer } from "../helpers/network.ts";

describe("polls of verified physicians across three instances", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance, fr: TestInstance;
  let author: Awaited<ReturnType<typeof approvedPhysician>>;
  let ukCardio: Awaited<ReturnType<typeof approvedPhysician>>;
  let ukDerm: Awaited<ReturnType<typeof approvedPhysician>>;
  let frDoc: Awaited<ReturnType<typeof approvedPhysician>>;

  beforeAll(async () => {
    instances = await startInstances(3);
    [uk, us, fr] = instances as unknown as [TestInstance, TestInstance, TestInstance];
    const staff = { uk: await ownerToken(uk), us: await ownerToken(us), fr: await ownerToken(fr) };
    author = await approvedPhysician(us, staff.us, { username: "us_author", specialty: "cardiology", license_jurisdiction: "US-CA" });
    ukCardio = await approvedPhysician(uk, staff.uk, { username: "uk_cardio", specialty: "cardiology" });
    ukDerm = await approvedPhysician(uk, staff.uk, { username: "uk_derm", specialty: "dermatology" });
    frDoc = await approvedPhysician(fr, staff.fr, { username: "fr_doc", specialty: "cardiology", license_jurisdiction: "FR" });
    await peer(uk, staff.uk, us, staff.us);
    await peer(uk, staff.uk, fr, staff.fr);
    await peer(us, staff.us, fr, staff.fr);
  }, 90_000);
  afterAll(() => instances.closeAll());

  const pollOn = async (inst: TestInstance, token: string, uri: string) => (await findByUri(inst, token, uri))?.poll;

  it("counts eligible voters once, refuses the ineligible, and keeps every instance exact", async () => {
    const posted = await api(us, "POST", "/api/v1/statuses", {
      token: author.token,
      json: {
        status: "Apixaban or rivaroxaban after TAVI?",
        poll: { options: ["Apixaban", "Rivaroxaban"], expires_in: 3600, eligible_specialties: ["cardiology"] },
      },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.poll).toMatchObject({
      options: [
        { title: "Apixaban", votes_count: 0 },
        { title: "Rivaroxaban", votes_count: 0 },
      ],
      eligibility: { specialties: ["cardiology"] },
    });
    const onUk = await eventually(() => findByUri(uk, ukCardio.token, posted.body.uri), "the poll on UK");
    expect(onUk.poll.eligibility.specialties).toEqual(["cardiology"]);

    // A UK cardiologist's vote counts at the origin.
    const voted = await api(uk, "POST", `/api/v1/polls/${onUk.id}/votes`, { token: ukCardio.token, json: { choices: [0] } });
    expect(voted.status).toBe(200);
    expect(voted.body).toMatchObject({ voted: true, own_votes: [0] });
    await eventually(
      async () => (await api(us, "GET", `/api/v1/polls/${posted.body.id}`, { token: author.token })).body.voters_count === 1,
      "the UK vote counted on US",
    );

    // A UK dermatologist is told why not, locally.
    const refused = await api(uk, "POST", `/api/v1/polls/${onUk.id}/votes`, { token: ukDerm.token, json: { choices: [1] } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/open to Cardiology only/);

    // A vote that bypasses that check (sent straight to the origin) is dropped there,
    // and a vote delivered twice counts once.
    const pollStatus = uk.services.store.get(onUk.id)!;
    await uk.services.federationPort.pollVoted(uk.services.directory.get(ukDerm.id)!, pollStatus, ["Rivaroxaban"]);
    await uk.services.federationPort.pollVoted(uk.services.directory.get(ukCardio.id)!, pollStatus, ["Apixaban"]);
    await uk.services.federationPort.pollVoted(uk.services.directory.get(ukCardio.id)!, pollStatus, ["Apixaban"]);
    // Everything sent has been delivered and applied (a positive marker, not a fixed wait): then count.
    await eventually(
      () => uk.queues.outbox.lanes().every((l) => l.queued === 0) && us.queues.inbox.depth().queued === 0,
      "the three votes delivered and applied at the origin",
      60_000,
    );
    const atOrigin = (await api(us, "GET", `/api/v1/polls/${posted.body.id}`, { token: author.token })).body;
    expect(atOrigin).toMatchObject({ voters_count: 1, votes_count: 1, options: [{ votes_count: 1 }, { votes_count: 0 }] });

    // 200 voters on three instances vote at once.
    const voters = [
      ...(await quickPhysicians(uk, 67, { specialty: "cardiology" })).map((v) => ({ ...v, inst: uk })),
      ...(await quickPhysicians(us, 67, { specialty: "cardiology", license_jurisdiction: "US-NY" })).map((v) => ({ ...v, inst: us })),
      ...(await quickPhysicians(fr, 66, { specialty: "cardiology", license_jurisdiction: "FR" })).map((v) => ({ ...v, inst: fr })),
    ];
    const ids = new Map<TestInstance, string>([
      [us, posted.body.id],
      [uk, onUk.id],
      [fr, (await eventually(() => findByUri(fr, frDoc.token, posted.body.uri), "the poll on FR")).id],
    ]);
    const choices = voters.map((_, i) => (i % 3 === 0 ? 1 : 0));
    const burstStarted = Date.now();
    const results = await Promise.all(
      voters.map((v, i) =>
        api(v.inst, "POST", `/api/v1/polls/${ids.get(v.inst)}/votes`, { token: v.token, json: { choices: [choices[i]] } }),
      ),
    );
    expect(results.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([]);
    const expected = [1 + choices.filter((c) => c === 0).length, choices.filter((c) => c === 1).length];
    await eventually(
      async () => {
        const p = (await api(us, "GET", `/api/v1/polls/${posted.body.id}`, { token: author.token })).body;
        return p.voters_count === 201 ? p : null;
      },
      "all 201 votes counted at the origin",
      150_000,
    );

    // Close the poll (the test moves the origin's clock past the end): a final update goes out.
    us.services.clock.advance(3601_000);
    await us.services.polls.flush();
    for (const [inst, token] of [
      [uk, ukCardio.token],
      [fr, frDoc.token],
      [us, author.token],
    ] as const) {
      const final = await eventually(
        async () => {
          const p = await pollOn(inst, token, posted.body.uri);
          return p?.expired && p.voters_count === 201 ? p : null;
        },
        `the final totals on ${inst.origin}`,
        60_000,
      );
      expect(final.options.map((o: { votes_count: number }) => o.votes_count)).toEqual(expected);
    }
    // Coalesced: at most one Update(Question) per interval while votes arrive, and the final one; however long
    // a busy machine takes over the burst, far fewer than one per vote.
    const updates = us.services.polls.get(posted.body.id)!.updatesSent;
    const intervals = Math.ceil((Date.now() - burstStarted) / UPDATE_INTERVAL_MS);
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThanOrEqual(intervals + 2);
    expect(updates).toBeLessThan(201);
    // Late votes are refused at the origin.
    const late = await api(us, "POST", `/api/v1/polls/${posted.body.id}/votes`, {
      token: voters.find((v) => v.inst === us)!.token,
      json: { choices: [1] },
    });
    expect(late.status).toBe(422);
    // Voters on every instance, and the author, hear that it ended.
    const ukVoter = voters.find((v) => v.inst === uk)!;
    await eventually(
      async () => (await api(uk, "GET", "/api/v1/notifications?types[]=poll", { token: ukVoter.token })).body.length === 1,
      "a poll notification on UK",
    );
    expect((await api(us, "GET", "/api/v1/notifications?types[]=poll", { token: author.token })).body).toHaveLength(1);
  }, 400_000);

  it("suppresses breakdown cells under 5 voters", async () => {
    const posted = await api(us, "POST", "/api/v1/statuses", {
      token: author.token,
      json: { status: "Would you anticoagulate?", poll: { options: ["Yes", "No"], expires_in: 3600 } },
    });
    const neuro = await quickPhysicians(uk, 4, { specialty: "neurology" });
    const cardio = await quickPhysicians(uk, 5, { specialty: "cardiology" });
    const onUk = await eventually(() => findByUri(uk, neuro[0]!.token, posted.body.uri), "the poll on UK");
    for (const v of [...neuro, ...cardio]) {
      const res = await api(uk, "POST", `/api/v1/polls/${onUk.id}/votes`, { token: v.token, json: { choices: [0] } });
      expect(res.status, res.text).toBe(200);
    }
    await eventually(
      async () => (await api(us, "GET", `/api/v1/polls/${posted.body.id}`, { token: author.token })).body.voters_count === 9,
      "9 votes at the origin",
    );
    const breakdown = (await api(us, "GET", `/api/v1/consilium/polls/${posted.body.id}/breakdown`, { token: author.token })).body.breakdown;
    const row = (key: string) => breakdown.by_specialty.find((r: { key: string }) => r.key === key);
    expect(row("cardiology")).toMatchObject({ voters: 5, options: [5, null], suppressed: false });
    expect(row("neurology")).toMatchObject({ voters: null, options: null, suppressed: true });
    expect(breakdown.by_jurisdiction).toEqual([{ key: "GB", label: "GB", voters: 9, options: [9, null], suppressed: false }]);
    // Peers show the origin's breakdown, never their own.
    await eventually(async () => {
      const remote = (await api(uk, "GET", `/api/v1/consilium/polls/${onUk.id}/breakdown`, { token: neuro[0]!.token })).body;
      return remote.computed_by === us.origin && remote.breakdown?.by_specialty.length === 2;
    }, "the origin's breakdown on UK");
  }, 60_000);
});
