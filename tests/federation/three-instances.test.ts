import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet, resolveAccount } from "../helpers/network.ts";

describe("three peered instances (UK, US, FR)", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance, fr: TestInstance;
  const staff: Record<string, string> = {};
  const doc: Record<string, Awaited<ReturnType<typeof approvedPhysician>>> = {};

  beforeAll(async () => {
    instances = await startInstances(3, [
      { name: "UK", country: "GB" },
      { name: "US", country: "US" },
      { name: "FR", country: "FR" },
    ]);
    [uk, us, fr] = instances as unknown as [TestInstance, TestInstance, TestInstance];
    for (const [name, inst] of [
      ["uk", uk],
      ["us", us],
      ["fr", fr],
    ] as const) {
      staff[name] = await ownerToken(inst);
      doc[name] = await approvedPhysician(inst, staff[name]!, { username: `${name}_doc`, display_name: `${name.toUpperCase()} Doc` });
    }
    await peer(uk, staff["uk"]!, us, staff["us"]!);
    await peer(uk, staff["uk"]!, fr, staff["fr"]!);
    await peer(us, staff["us"]!, fr, staff["fr"]!);
  }, 120_000);
  afterAll(() => instances.closeAll());

  it("a case posted on UK reaches US and FR with every structured field", async () => {
    const caseFields = {
      kind: "help",
      title: "Recurrent syncope with a long QT",
      age_band: "18-29",
      sex: "female",
      presenting_complaint: "Three episodes of exertional syncope.",
      history: "No drugs. Paternal uncle died suddenly aged 34.",
      examination: "Normal.",
      investigations: "QTc 510 ms; K 4.1; Mg 0.9.",
      question: "Beta-blocker choice, and is an ICD indicated now?",
      specialties: ["cardiology", "clinical_genetics"],
    };
    const posted = await api(uk, "POST", "/api/v1/statuses", {
      token: doc["uk"]!.token,
      json: { status: "Help welcome #LQTS", case: caseFields },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.case).toMatchObject({
      ...caseFields,
      specialties: [
        { code: "cardiology", label: "Cardiology" },
        { code: "clinical_genetics", label: "Clinical genetics" },
      ],
      status: "open",
    });
    const uri = posted.body.uri;
    for (const [inst, name] of [
      [us, "us"],
      [fr, "fr"],
    ] as const) {
      const remote = await eventually(() => findByUri(inst, doc[name]!.token, uri), `the case on ${name}`);
      expect(remote.case).toEqual(posted.body.case);
      expect(remote.content).toContain("Recurrent syncope with a long QT");
      expect(remote.account.acct).toBe(`uk_doc@${new URL(uk.origin).host}`);
      expect(remote.tags.map((t: { name: string }) => t.name).sort()).toEqual(["cardiology", "clinical_genetics", "lqts"]);
      const tagged = await api(inst, "GET", "/api/v1/timelines/tag/cardiology", { token: doc[name]!.token });
      expect(tagged.body.map((s: { uri: string }) => s.uri)).toContain(uri);
      const pub = await api(inst, "GET", "/api/v1/timelines/public?remote=true", { token: doc[name]!.token });
      expect(pub.body.map((s: { uri: string }) => s.uri)).toContain(uri);
    }
    // The instance reports real counts and its peers (to physicians only).
    // Physicians only: the owner is staff, not a member of the network.
    const v1 = (await api(uk, "GET", "/api/v1/instance")).body;
    expect(v1.stats).toMatchObject({ user_count: 1, domain_count: 2 });
    expect(v1.stats.status_count).toBeGreaterThanOrEqual(1);
    expect((await api(uk, "GET", "/nodeinfo/2.1")).body.usage.localPosts).toBe(v1.stats.status_count);
    expect((await api(uk, "GET", "/api/v1/instance/peers")).status).toBe(401);
    const peers = (await api(uk, "GET", "/api/v1/instance/peers", { token: doc["uk"]!.token })).body;
    expect(peers.sort()).toEqual([new URL(us.origin).host, new URL(fr.origin).host].sort());
  });

  it("a reply from FR reaches UK and US, and the thread reads the same everywhere", async () => {
    const root = await api(uk, "POST", "/api/v1/statuses", {
      token: doc["uk"]!.token,
      json: { status: "Anticoagulation after a GI bleed: when to restart?" },
    });
    const onFr = await eventually(() => findByUri(fr, doc["fr"]!.token, root.body.uri), "root on FR");
    const reply = await api(fr, "POST", "/api/v1/statuses", {
      token: doc["fr"]!.token,
      json: { status: "We restart at day 7 if the source was treated.", in_reply_to_id: onFr.id },
    });
    expect(reply.status).toBe(200);
    const onUs = await eventually(() => findByUri(us, doc["us"]!.token, root.body.uri), "root on US");
    const usReply = await api(us, "POST", "/api/v1/statuses", {
      token: doc["us"]!.token,
      json: { status: "Agree, day 7 to 14.", in_reply_to_id: onUs.id },
    });
    expect(usReply.status).toBe(200);
    const threads: string[][] = [];
    for (const [inst, name, id] of [
      [uk, "uk", root.body.id],
      [us, "us", onUs.id],
      [fr, "fr", onFr.id],
    ] as const) {
      const ctx = await eventually(async () => {
        const res = await api(inst, "GET", `/api/v1/statuses/${id}/context`, { token: doc[name]!.token });
        return res.body.descendants?.length === 2 ? res.body : null;
      }, `two replies on ${name}`);
      threads.push(ctx.descendants.map((s: { uri: string }) => s.uri));
    }
    expect(threads[0]).toEqual([reply.body.uri, usReply.body.uri]);
    expect(threads[1]).toEqual(threads[0]);
    expect(threads[2]).toEqual(threads[0]);
    // The author on UK was notified of the reply.
    const notes = await api(uk, "GET", "/api/v1/notifications", { token: doc["uk"]!.token });
    expect(
      notes.body.some((n: { type: string; status: { uri: string } }) => n.type === "mention" && n.status?.uri === reply.body.uri),
    ).toBe(true);
  });

  it("likes, boosts, edits and deletes propagate", async () => {
    const post = await api(uk, "POST", "/api/v1/statuses", {
      token: doc["uk"]!.token,
      json: { status: "Journal club: SGLT2 inhibitors in HFpEF" },
    });
    const onUs = await eventually(() => findByUri(us, doc["us"]!.token, post.body.uri), "post on US");
    expect((await api(us, "POST", `/api/v1/statuses/${onUs.id}/favourite`, { token: doc["us"]!.token })).status).toBe(200);
    expect((await api(us, "POST", `/api/v1/statuses/${onUs.id}/reblog`, { token: doc["us"]!.token })).status).toBe(200);
    await eventually(async () => {
      const s = (await api(uk, "GET", `/api/v1/statuses/${post.body.id}`, { token: doc["uk"]!.token })).body;
      return s.favourites_count === 1 && s.reblogs_count === 1;
    }, "the like and boost on UK");
    const onFr = await eventually(() => findByUri(fr, doc["fr"]!.token, post.body.uri), "post on FR");
    await eventually(
      async () => (await api(fr, "GET", `/api/v1/statuses/${onFr.id}`, { token: doc["fr"]!.token })).body.favourites_count === 1,
      "the like on FR",
    );
    const favBy = await api(uk, "GET", `/api/v1/statuses/${post.body.id}/favourited_by`, { token: doc["uk"]!.token });
    expect(favBy.body[0].acct).toBe(`us_doc@${new URL(us.origin).host}`);

    expect((await api(us, "POST", `/api/v1/statuses/${onUs.id}/unfavourite`, { token: doc["us"]!.token })).status).toBe(200);
    await eventually(
      async () => (await api(uk, "GET", `/api/v1/statuses/${post.body.id}`, { token: doc["uk"]!.token })).body.favourites_count === 0,
      "the unlike on UK",
    );

    const edited = await api(uk, "PUT", `/api/v1/statuses/${post.body.id}`, {
      token: doc["uk"]!.token,
      json: { status: "Journal club: SGLT2 inhibitors in HFpEF (EMPEROR-Preserved)" },
    });
    expect(edited.body.edited_at).not.toBeNull();
    for (const [inst, name] of [
      [us, "us"],
      [fr, "fr"],
    ] as const) {
      await eventually(
        async () => (await findByUri(inst, doc[name]!.token, post.body.uri))?.content.includes("EMPEROR-Preserved"),
        `the edit on ${name}`,
      );
    }
    expect((await api(uk, "DELETE", `/api/v1/statuses/${post.body.id}`, { token: doc["uk"]!.token })).status).toBe(200);
    for (const [inst, name, id] of [
      [us, "us", onUs.id],
      [fr, "fr", onFr.id],
    ] as const) {
      await eventually(
        async () => (await api(inst, "GET", `/api/v1/statuses/${id}`, { token: doc[name]!.token })).status === 404,
        `the delete on ${name}`,
      );
    }
  });

  it("follows across instances fill the home timeline", async () => {
    const ukOnFr = await resolveAccount(fr, doc["fr"]!.token, "uk_doc", uk);
    const followed = await api(fr, "POST", `/api/v1/accounts/${ukOnFr}/follow`, { token: doc["fr"]!.token });
    expect(followed.status).toBe(200);
    await eventually(
      async () => (await api(fr, "GET", `/api/v1/accounts/relationships?id[]=${ukOnFr}`, { token: doc["fr"]!.token })).body[0]?.following,
      "the follow to be accepted",
    );
    const followers = await api(uk, "GET", `/api/v1/accounts/${doc["uk"]!.id}/followers`, { token: doc["uk"]!.token });
    expect(followers.body.map((a: { acct: string }) => a.acct)).toContain(`fr_doc@${new URL(fr.origin).host}`);
    const post = await api(uk, "POST", "/api/v1/statuses", {
      token: doc["uk"]!.token,
      json: { status: "Followers-only: rota swap anyone?", visibility: "private" },
    });
    await eventually(
      async () =>
        (await api(fr, "GET", "/api/v1/timelines/home", { token: doc["fr"]!.token })).body.some(
          (s: { uri: string }) => s.uri === post.body.uri,
        ),
      "the private post in FR's home",
    );
    // A list of followed accounts has its own timeline.
    const list = await api(fr, "POST", "/api/v1/lists", { token: doc["fr"]!.token, json: { title: "UK colleagues" } });
    expect(list.status).toBe(200);
    expect(
      (await api(fr, "POST", `/api/v1/lists/${list.body.id}/accounts`, { token: doc["fr"]!.token, json: { account_ids: [ukOnFr] } }))
        .status,
    ).toBe(200);
    const members = await api(fr, "GET", `/api/v1/lists/${list.body.id}/accounts`, { token: doc["fr"]!.token });
    expect(members.body.map((a: { id: string }) => a.id)).toEqual([ukOnFr]);
    const listed = await api(fr, "GET", `/api/v1/timelines/list/${list.body.id}`, { token: doc["fr"]!.token });
    expect(listed.body.map((s: { uri: string }) => s.uri)).toContain(post.body.uri);
    expect((await api(fr, "GET", "/api/v1/lists", { token: doc["fr"]!.token })).body).toEqual([
      { id: list.body.id, title: "UK colleagues", replies_policy: "list", exclusive: false },
    ]);
    // US does not follow, so it never sees the followers-only post (once every delivery is made).
    await quiet(instances);
    expect(await findByUri(us, doc["us"]!.token, post.body.uri)).toBeUndefined();
  });

  it("solving a case on UK shows solved, with the accepted reply, on US and FR", async () => {
    const kase = await api(uk, "POST", "/api/v1/statuses", {
      token: doc["uk"]!.token,
      json: {
        status: "",
        case: { kind: "help", title: "Refractory hypokalaemia", question: "What am I missing?", specialties: ["nephrology"] },
      },
    });
    const onFr = await eventually(() => findByUri(fr, doc["fr"]!.token, kase.body.uri), "the case on FR");
    // Unanswered so far, on every instance.
    const unanswered = await api(fr, "GET", "/api/v1/consilium/cases?unanswered=true&specialty=nephrology", { token: doc["fr"]!.token });
    expect(unanswered.body.map((s: { uri: string }) => s.uri)).toContain(kase.body.uri);
    const reply = await api(fr, "POST", "/api/v1/statuses", {
      token: doc["fr"]!.token,
      json: { status: "Check magnesium first.", in_reply_to_id: onFr.id },
    });
    const replyOnUk = await eventually(() => findByUri(uk, doc["uk"]!.token, reply.body.uri), "the reply on UK");
    // Only the author may solve it.
    const onUs = await eventually(() => findByUri(us, doc["us"]!.token, kase.body.uri), "the case on US");
    expect((await api(us, "POST", `/api/v1/consilium/cases/${onUs.id}/solve`, { token: doc["us"]!.token, json: {} })).status).toBe(403);
    const solved = await api(uk, "POST", `/api/v1/consilium/cases/${kase.body.id}/solve`, {
      token: doc["uk"]!.token,
      json: { accepted_reply_id: replyOnUk.id, note: "Mg was 0.4; replaced, K normalised." },
    });
    expect(solved.status).toBe(200);
    expect(solved.body.case).toMatchObject({
      status: "solved",
      accepted_answer_id: replyOnUk.id,
      solution_note: "Mg was 0.4; replaced, K normalised.",
    });
    for (const [inst, name] of [
      [us, "us"],
      [fr, "fr"],
    ] as const) {
      const seen = await eventually(async () => {
        const s = await findByUri(inst, doc[name]!.token, kase.body.uri);
        return s?.case?.status === "solved" ? s : null;
      }, `solved on ${name}`);
      expect(seen.case.accepted_answer_uri).toBe(reply.body.uri);
      const acceptedHere = await findByUri(inst, doc[name]!.token, reply.body.uri);
      expect(seen.case.accepted_answer_id).toBe(acceptedHere.id);
      const listed = await api(inst, "GET", "/api/v1/consilium/cases?status=solved", { token: doc[name]!.token });
      expect(listed.body.map((s: { uri: string }) => s.uri)).toContain(kase.body.uri);
      const open = await api(inst, "GET", "/api/v1/consilium/cases?status=open", { token: doc[name]!.token });
      expect(open.body.map((s: { uri: string }) => s.uri)).not.toContain(kase.body.uri);
    }
    const stats = await api(fr, "GET", "/api/v1/consilium/stats?window_days=1", { token: doc["fr"]!.token });
    expect(stats.body.cases).toBeGreaterThanOrEqual(2);
    expect(stats.body.share_solved_within_24_hours).toBeGreaterThan(0);
    expect(stats.body.share_replied_within_90_minutes).toBeGreaterThan(0);
    expect(stats.body.median_minutes_to_first_reply).toBeLessThan(5);
    // Reopening is allowed and travels too.
    await api(uk, "POST", `/api/v1/consilium/cases/${kase.body.id}/reopen`, { token: doc["uk"]!.token });
    await eventually(async () => (await findByUri(us, doc["us"]!.token, kase.body.uri))?.case?.status === "open", "reopened on US");
  });
});
