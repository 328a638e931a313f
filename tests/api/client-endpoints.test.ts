import { createRestAPIClient, type mastodon } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, appToken, approvedPhysician, createApp, ownerToken, tokenWithScopes, uploadMedia } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { taggedJpeg } from "../helpers/images.ts";
import { shapeErrors } from "../helpers/schemas.ts";

/**
 * What stock clients call on their own: CORS for browser clients, the
 * endpoints that used to 404, parameters as clients really send them, and
 * what is reported being true.  masto.js drives what it covers.
 */
describe("what clients call", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let staff: string;
  let alice: Awaited<ReturnType<typeof approvedPhysician>>;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;
  let carol: Awaited<ReturnType<typeof approvedPhysician>>;
  let masto: mastodon.rest.Client;
  const shapes: string[] = [];
  const expectShape = (schema: string, value: unknown) => shapes.push(...shapeErrors(schema, value));

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    staff = await ownerToken(uk);
    alice = await approvedPhysician(uk, staff, { username: "alice_md" });
    bob = await approvedPhysician(uk, staff, { username: "bob_md" });
    carol = await approvedPhysician(uk, staff, { username: "carol_md" });
    masto = createRestAPIClient({ url: uk.origin, accessToken: alice.token });
    await api(uk, "POST", `/api/v1/accounts/${bob.id}/follow`, { token: alice.token });
  });
  afterAll(() => instances.closeAll());

  it("answers browser clients on other origins: preflights before auth, CORS headers, Link exposed", async () => {
    const origin = "https://phanpy.example";
    for (const path of ["/api/v1/apps", "/api/v1/timelines/home", "/api/v1/no-such-endpoint", "/oauth/token", "/oauth/revoke"]) {
      const preflight = await fetch(`${uk.origin}${path}`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "POST",
          "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
      });
      expect({ path, status: preflight.status }).toEqual({ path, status: 204 });
      expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
      expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toMatch(/authorization.*content-type.*idempotency-key/);
    }
    const created = await fetch(`${uk.origin}/api/v1/apps`, {
      method: "POST",
      headers: { Origin: origin, "Content-Type": "application/json" },
      body: JSON.stringify({ client_name: "Phanpy", redirect_uris: `${origin}/`, scopes: "read write" }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get("access-control-allow-origin")).toBe("*");
    const home = await fetch(`${uk.origin}/api/v1/timelines/home`, { headers: { Origin: origin, Authorization: `Bearer ${alice.token}` } });
    expect(home.headers.get("access-control-expose-headers")).toMatch(/Link/);
    for (const path of [
      "/.well-known/webfinger?resource=acct:alice_md@" + new URL(uk.origin).host,
      "/.well-known/nodeinfo",
      "/nodeinfo/2.1",
    ]) {
      const res = await fetch(`${uk.origin}${path}`, { headers: { Origin: origin } });
      expect({ path, cors: res.headers.get("access-control-allow-origin") }).toEqual({ path, cors: "*" });
    }
  });

  it("follows hashtags into the home timeline", async () => {
    const tag = await masto.v1.tags.$select("cardiology").follow();
    expect(tag).toMatchObject({ name: "cardiology", following: true });
    expectShape("Tag", tag);
    expect((await masto.v1.followedTags.list()).map((t) => t.name)).toEqual(["cardiology"]);
    const posted = await api(uk, "POST", "/api/v1/statuses", { token: carol.token, json: { status: "A new echo protocol #Cardiology" } });
    const home = await masto.v1.timelines.home.list();
    expect(home.map((s) => s.id)).toContain(posted.body.id);
    const fetched = await masto.v1.tags.$select("cardiology").fetch();
    expect(fetched.history?.[0]?.uses).toBe("1");
    await masto.v1.tags.$select("cardiology").unfollow();
    expect((await masto.v1.timelines.home.list()).map((s) => s.id)).not.toContain(posted.body.id);
  });

  it("keeps every version of an edited status", async () => {
    const status = await masto.v1.statuses.create({ status: "First draft" });
    await masto.v1.statuses.$select(status.id).update({ status: "Second draft" });
    await masto.v1.statuses.$select(status.id).update({ status: "Final", spoilerText: "Graphic" });
    const history = await masto.v1.statuses.$select(status.id).history.list();
    expect(history.map((h) => h.content)).toEqual(["<p>First draft</p>", "<p>Second draft</p>", "<p>Final</p>"]);
    expect(history[2]!.spoilerText).toBe("Graphic");
    for (const h of (await api(uk, "GET", `/api/v1/statuses/${status.id}/history`, { token: alice.token })).body)
      expectShape("StatusEdit", h);
  });

  it("lists direct threads as conversations, marks them read and removes them", async () => {
    const dm = await api(uk, "POST", "/api/v1/statuses", {
      token: bob.token,
      json: { status: "@alice_md a private question", visibility: "direct" },
    });
    const [conversation] = await masto.v1.conversations.list();
    expect(conversation).toMatchObject({ unread: true, lastStatus: { id: dm.body.id } });
    expect(conversation!.accounts.map((a) => a.acct)).toEqual(["bob_md"]);
    expectShape("Conversation", (await api(uk, "GET", "/api/v1/conversations", { token: alice.token })).body[0]);
    expect((await masto.v1.conversations.$select(conversation!.id).read()).unread).toBe(false);
    await masto.v1.conversations.$select(conversation!.id).remove();
    expect(await masto.v1.conversations.list()).toEqual([]);
  });

  it("pins posts to the profile (at most five), and says so", async () => {
    const status = await masto.v1.statuses.create({ status: "Pin me" });
    expect((await masto.v1.statuses.$select(status.id).pin()).pinned).toBe(true);
    const pinned = await masto.v1.accounts.$select(alice.id).statuses.list({ pinned: true });
    expect(pinned.map((s) => s.id)).toEqual([status.id]);
    for (let i = 0; i < 4; i++) await masto.v1.statuses.$select((await masto.v1.statuses.create({ status: `Pin ${i}` })).id).pin();
    const sixth = await masto.v1.statuses.create({ status: "One too many" });
    const refused = await api(uk, "POST", `/api/v1/statuses/${sixth.id}/pin`, { token: alice.token });
    expect(refused.status).toBe(422);
    expect((await masto.v1.statuses.$select(status.id).unpin()).pinned).toBe(false);
    // Another's status says nothing about pins (the field is the owner's).
    expect((await api(uk, "GET", `/api/v1/statuses/${status.id}`, { token: bob.token })).body.pinned).toBeUndefined();
  });

  it("searches accounts, finds familiar followers, and the lists an account is on", async () => {
    expect((await masto.v1.accounts.search.list({ q: "bob" })).map((a) => a.acct)).toEqual(["bob_md"]);
    // alice follows bob; bob follows carol: bob is a familiar follower of carol for alice.
    await api(uk, "POST", `/api/v1/accounts/${carol.id}/follow`, { token: bob.token });
    // masto.js sends familiarFollowers.fetch([id]) as `?0=id`; clients send `id[]`.
    const familiar = (await api(uk, "GET", `/api/v1/accounts/familiar_followers?id[]=${carol.id}&id[]=${bob.id}`, { token: alice.token }))
      .body;
    expect(familiar).toEqual([
      expect.objectContaining({ id: carol.id, accounts: [expect.objectContaining({ acct: "bob_md" })] }),
      { id: bob.id, accounts: [] },
    ]);
    for (const f of familiar) expectShape("FamiliarFollowers", f);
    const list = await masto.v1.lists.create({ title: "Cardiology colleagues" });
    await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [bob.id] });
    expect((await masto.v1.accounts.$select(bob.id).lists.list()).map((l) => l.title)).toEqual(["Cardiology colleagues"]);
    expect(await masto.v1.accounts.$select(carol.id).lists.list()).toEqual([]);
  });

  it("filters (v2 and v1): warns with `filtered`, and hides with hide", async () => {
    const filter = await masto.v2.filters.create({
      title: "Spoilers",
      context: ["home", "public"],
      filterAction: "warn",
      keywordsAttributes: [{ keyword: "troponin", wholeWord: true }],
    });
    expectShape("Filter", (await api(uk, "GET", `/api/v2/filters/${filter.id}`, { token: alice.token })).body);
    const post = await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Troponin was normal" } });
    const shown = (await masto.v1.timelines.home.list()).find((s) => s.id === post.body.id)!;
    expect(shown.filtered?.[0]).toMatchObject({ keywordMatches: ["troponin"] });
    expectShape(
      "FilterResult",
      (await api(uk, "GET", "/api/v1/timelines/home", { token: alice.token })).body.find((s: { id: string }) => s.id === post.body.id)
        .filtered[0],
    );
    await masto.v2.filters.$select(filter.id).update({ filterAction: "hide" });
    expect((await masto.v1.timelines.home.list()).map((s) => s.id)).not.toContain(post.body.id);
    const keyword = await masto.v2.filters.$select(filter.id).keywords.create({ keyword: "lactate", wholeWord: false });
    expect((await masto.v2.filters.$select(filter.id).keywords.list()).map((k) => k.keyword)).toEqual(["troponin", "lactate"]);
    await masto.v2.filters.keywords.$select(keyword.id).remove();
    const byStatus = await masto.v2.filters.$select(filter.id).statuses.create({ statusId: post.body.id });
    expect(byStatus.statusId).toBe(post.body.id);
    // v1 sees each keyword as a filter.
    const v1 = (await api(uk, "GET", "/api/v1/filters", { token: alice.token })).body;
    expect(v1).toEqual([expect.objectContaining({ phrase: "troponin", irreversible: true, context: ["home", "public"] })]);
    expectShape("V1Filter", v1[0]);
    const created = await api(uk, "POST", "/api/v1/filters", {
      token: alice.token,
      json: { phrase: "sepsis", context: ["thread"], whole_word: "1" },
    });
    expect(created.body).toMatchObject({ phrase: "sepsis", whole_word: true, irreversible: false });
    await masto.v2.filters.$select(filter.id).remove();
    expect((await masto.v1.timelines.home.list()).map((s) => s.id)).toContain(post.body.id);
  });

  it("answers instance activity and rules, and the features not offered with their empty shapes", async () => {
    const activity = (await api(uk, "GET", "/api/v1/instance/activity", { token: alice.token })).body;
    expect(activity).toHaveLength(12);
    expect(Number(activity[0].statuses)).toBeGreaterThan(0);
    expect(Number(activity[0].registrations)).toBeGreaterThanOrEqual(3);
    uk.services.rules.add("Never post anything that identifies a patient", "Names, dates, numbers, places");
    const rules = (await api(uk, "GET", "/api/v1/instance/rules")).body;
    expect(rules).toEqual([
      { id: expect.any(String), text: "Never post anything that identifies a patient", hint: "Names, dates, numbers, places" },
    ]);
    for (const r of rules) expectShape("Rule", r);
    expect((await api(uk, "GET", "/api/v2/instance")).body.rules).toEqual(rules);
    for (const path of [
      "/api/v1/trends",
      "/api/v1/trends/tags",
      "/api/v1/trends/statuses",
      "/api/v1/trends/links",
      "/api/v2/suggestions",
      "/api/v1/suggestions",
      "/api/v1/announcements",
      "/api/v1/featured_tags",
      "/api/v1/scheduled_statuses",
      "/api/v1/custom_emojis",
      "/api/v1/directory",
      "/api/v1/endorsements",
      "/api/v1/domain_blocks",
      "/api/v1/notifications/requests",
      `/api/v1/accounts/${bob.id}/featured_tags`,
    ]) {
      const res = await api(uk, "GET", path, { token: alice.token });
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 200, body: [] });
    }
    expect((await api(uk, "GET", "/api/v2/notifications/policy", { token: alice.token })).body.for_not_following).toBe("accept");
    expect((await api(uk, "GET", "/api/v1/push/subscription", { token: alice.token })).status).toBe(403);
    const pushToken = tokenWithScopes(uk, alice.id, ["read", "write", "push"]);
    // No subscription: Mastodon answers 404 (Elk relies on it).
    expect((await api(uk, "GET", "/api/v1/push/subscription", { token: pushToken })).status).toBe(404);
    const push = await api(uk, "POST", "/api/v1/push/subscription", {
      token: pushToken,
      json: { subscription: { endpoint: "https://push.example/x", keys: { p256dh: "x", auth: "y" } } },
    });
    expect(push.status).toBe(422);
    expect(push.body.error).toMatch(/Web Push/);
  });

  it("reads parameters as clients send them: numeric ids, and booleans as True, 1 or on", async () => {
    const parent = await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Numbers as ids?" } });
    const reply = await api(uk, "POST", "/api/v1/statuses", {
      token: alice.token,
      json: { status: "Yes", in_reply_to_id: Number(parent.body.id.slice(0, 15)) },
    });
    // A number that is not an id of anything is "not found", not "invalid type".
    expect(reply.status).toBe(404);
    const small = await api(uk, "POST", "/api/v1/statuses", {
      token: alice.token,
      json: { status: "Sensitive?", sensitive: "True", spoiler_text: "" },
    });
    expect(small.body.sensitive).toBe(true);
    const list = await api(uk, "POST", "/api/v1/lists", { token: alice.token, json: { title: "Numbers" } });
    const added = await api(uk, "POST", `/api/v1/lists/${list.body.id}/accounts`, { token: alice.token, json: { account_ids: [bob.id] } });
    expect(added.status).toBe(200);
    expect(
      (await api(uk, "POST", `/api/v1/lists/${list.body.id}/accounts`, { token: alice.token, json: { account_ids: [12345] } })).status,
    ).toBe(404);
    const media = await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "x", media_ids: [12345] } });
    expect({ status: media.status, error: media.body.error }).toEqual({ status: 422, error: expect.stringMatching(/media/i) });
    expect(media.body.error).not.toMatch(/string|number|type/i);
    const marker = await api(uk, "POST", "/api/v1/markers", { token: alice.token, json: { home: { last_read_id: 12345 } } });
    expect(marker.body.home.last_read_id).toBe("12345");
    // Mastodon.py: admin_accounts(pending=True) sends the Python boolean as "True".
    const pendingApplicant = await api(uk, "POST", "/api/v1/accounts", {
      token: await appToken(uk, await createApp(uk, "read write")),
      json: {
        username: "awaiting_md",
        email: "awaiting@example.test",
        password: "a long password 1",
        agreement: "on",
        legal_name: "Pending Person",
        license_number: "7000001",
        license_jurisdiction: "GB",
        specialty: "cardiology",
      },
    });
    expect(pendingApplicant.status).toBe(200);
    const pending = await api(uk, "GET", "/api/v1/admin/accounts?pending=True", { token: staff });
    expect(pending.body.map((a: { username: string }) => a.username)).toEqual(["awaiting_md"]);
    const tagged = await api(uk, "GET", "/api/v1/timelines/public?local=True&only_media=0", { token: alice.token });
    expect(tagged.status).toBe(200);
  });

  it("reports what is true: mentions, undone reactions, boosts, counts, media types, contact", async () => {
    const original = await api(uk, "POST", "/api/v1/statuses", {
      token: alice.token,
      json: { status: "Replies without a mention count as mentions" },
    });
    await api(uk, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Agreed", in_reply_to_id: original.body.id } });
    const mentions = (await api(uk, "GET", "/api/v1/notifications?types[]=mention", { token: alice.token })).body;
    expect(mentions.some((n: { status: { in_reply_to_id: string } }) => n.status.in_reply_to_id === original.body.id)).toBe(true);
    await api(uk, "POST", `/api/v1/statuses/${original.body.id}/favourite`, { token: bob.token });
    await api(uk, "POST", `/api/v1/statuses/${original.body.id}/reblog`, { token: bob.token });
    const before = (await api(uk, "GET", "/api/v1/notifications?types[]=favourite&types[]=reblog", { token: alice.token })).body;
    expect(before.map((n: { type: string }) => n.type).sort()).toEqual(["favourite", "reblog"]);
    // The boost wrapper says the viewer boosted it.
    const bobHome = (await api(uk, "GET", "/api/v1/accounts/" + bob.id + "/statuses", { token: bob.token })).body;
    const wrapper = bobHome.find((s: { reblog: { id: string } | null }) => s.reblog?.id === original.body.id);
    expect(wrapper.reblogged).toBe(true);
    await api(uk, "POST", `/api/v1/statuses/${original.body.id}/unfavourite`, { token: bob.token });
    await api(uk, "POST", `/api/v1/statuses/${original.body.id}/unreblog`, { token: bob.token });
    expect((await api(uk, "GET", "/api/v1/notifications?types[]=favourite&types[]=reblog", { token: alice.token })).body).toEqual([]);
    // One account serializer: search reports real counts.
    const found = (await api(uk, "GET", "/api/v2/search?q=alice&type=accounts", { token: bob.token })).body.accounts[0];
    expect(found.statuses_count).toBeGreaterThan(0);
    const instance = (await api(uk, "GET", "/api/v2/instance")).body;
    expect(instance.configuration.media_attachments.supported_mime_types).toEqual(expect.arrayContaining(["image/gif", "image/tiff"]));
    expect(instance.configuration.media_attachments.supported_mime_types).not.toContain("image/heic");
    expect(instance.contact.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/);
    expectShape("Instance", instance);
    expectShape("GroupedNotificationsResults", (await api(uk, "GET", "/api/v2/notifications", { token: alice.token })).body);
    expectShape("Search", (await api(uk, "GET", "/api/v2/search?q=card", { token: alice.token })).body);
    const hashtags = (await api(uk, "GET", "/api/v2/search?q=cardio&type=hashtags", { token: alice.token })).body.hashtags;
    expect(hashtags[0]).toMatchObject({ name: "cardiology", history: expect.any(Array) });
    expect(shapes).toEqual([]);
  });

  it("answers the rest of what clients call: notes, follower removal, profile, userinfo, media deletion, groups, policies", async () => {
    // Several accounts at once; unknown ids are left out.
    const many = (await api(uk, "GET", `/api/v1/accounts?id[]=${bob.id}&id[]=${carol.id}&id[]=999999999`, { token: alice.token })).body;
    expect(many.map((a: { acct: string }) => a.acct)).toEqual(["bob_md", "carol_md"]);
    // A private note shows in the relationship, for its author only.
    const noted = await api(uk, "POST", `/api/v1/accounts/${carol.id}/note`, {
      token: alice.token,
      json: { comment: "Great on echo questions" },
    });
    expect(noted.body).toMatchObject({ id: carol.id, note: "Great on echo questions" });
    expectShape("Relationship", noted.body);
    expect((await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${alice.id}`, { token: carol.token })).body[0].note).toBe("");
    expect((await api(uk, "POST", `/api/v1/accounts/${carol.id}/note`, { token: alice.token, json: { comment: "" } })).body.note).toBe("");
    // Removing a follower.
    await api(uk, "POST", `/api/v1/accounts/${alice.id}/follow`, { token: carol.token });
    const removed = await api(uk, "POST", `/api/v1/accounts/${carol.id}/remove_from_followers`, { token: alice.token });
    expect(removed.body).toMatchObject({ followed_by: false });
    expect((await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${alice.id}`, { token: carol.token })).body[0].following).toBe(false);

    // The profile API edits what update_credentials does.
    const profile = await api(uk, "PATCH", "/api/v1/profile", {
      token: alice.token,
      json: { display_name: "Cardiology registrar", note: "Echo and heart failure" },
    });
    expect(profile.body).toMatchObject({
      id: alice.id,
      display_name: "Cardiology registrar",
      note: "Echo and heart failure",
      locked: false,
    });
    expectShape("Profile", (await api(uk, "GET", "/api/v1/profile", { token: alice.token })).body);
    expect((await api(uk, "DELETE", "/api/v1/profile/avatar", { token: alice.token })).body.display_name).toBe("Cardiology registrar");
    // OIDC userinfo names the pseudonym and nothing of the identity.
    const userinfo = await api(uk, "GET", "/oauth/userinfo", { token: alice.token });
    expect(userinfo.body).toMatchObject({
      iss: uk.origin,
      preferred_username: "alice_md",
      name: "Cardiology registrar",
      sub: expect.stringContaining("/users/alice_md"),
    });
    expect(userinfo.text).not.toContain(alice.applicant.legal_name);
    expect(userinfo.text).not.toContain(alice.applicant.email);

    // An unused upload can be deleted; one in a post cannot.
    const upload = async () => {
      const form = new FormData();
      form.set("file", new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "scan.jpg");
      return (await uploadMedia(uk, alice.token, form)).body.id as string;
    };
    const unused = await upload();
    expect((await api(uk, "DELETE", `/api/v1/media/${unused}`, { token: alice.token })).status).toBe(200);
    expect((await api(uk, "GET", `/api/v1/media/${unused}`, { token: alice.token })).status).toBe(404);
    const used = await upload();
    await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "With an image", media_ids: [used] } });
    const refused = await api(uk, "DELETE", `/api/v1/media/${used}`, { token: alice.token });
    expect({ status: refused.status, error: refused.body.error }).toEqual({
      status: 422,
      error: "Media attachment is currently used by a status",
    });
    expect((await api(uk, "DELETE", `/api/v1/media/${used}`, { token: bob.token })).status).toBe(404);

    // The old direct timeline.
    const dm = await api(uk, "POST", "/api/v1/statuses", {
      token: carol.token,
      json: { status: "@alice_md a direct word", visibility: "direct" },
    });
    expect((await api(uk, "GET", "/api/v1/timelines/direct", { token: alice.token })).body.map((s: { id: string }) => s.id)).toContain(
      dm.body.id,
    );
    expect((await api(uk, "GET", "/api/v1/timelines/direct", { token: bob.token })).body.map((s: { id: string }) => s.id)).not.toContain(
      dm.body.id,
    );

    // One notification group: its notifications, its accounts, dismissed together.
    const liked = await api(uk, "POST", "/api/v1/statuses", { token: alice.token, json: { status: "Like me twice" } });
    for (const t of [bob.token, carol.token]) await api(uk, "POST", `/api/v1/statuses/${liked.body.id}/favourite`, { token: t });
    const key = `favourite-${liked.body.id}`;
    const group = (await api(uk, "GET", `/api/v2/notifications/${key}`, { token: alice.token })).body;
    expect(group.notification_groups).toEqual([expect.objectContaining({ group_key: key, notifications_count: 2, type: "favourite" })]);
    expectShape("GroupedNotificationsResults", group);
    expect(
      (await api(uk, "GET", `/api/v2/notifications/${key}/accounts`, { token: alice.token })).body
        .map((a: { acct: string }) => a.acct)
        .sort(),
    ).toEqual(["bob_md", "carol_md"]);
    expect((await api(uk, "GET", `/api/v2/notifications/${key}`, { token: bob.token })).status).toBe(404);
    expect((await api(uk, "POST", `/api/v2/notifications/${key}/dismiss`, { token: alice.token })).status).toBe(200);
    expect((await api(uk, "GET", `/api/v2/notifications/${key}`, { token: alice.token })).status).toBe(404);

    // Privacy policy and terms (the rules), and the health check.
    const policy = (await api(uk, "GET", "/api/v1/instance/privacy_policy")).body;
    expectShape("PrivacyPolicy", policy);
    expect(policy.content).toContain("verifiers");
    const terms = (await api(uk, "GET", "/api/v1/instance/terms_of_service")).body;
    expectShape("TermsOfService", terms);
    expect(terms.content).toContain("Never post anything that identifies a patient");
    expect((await api(uk, "GET", `/api/v1/instance/terms_of_service/${terms.effective_date}`)).status).toBe(200);
    expect((await api(uk, "GET", "/api/v1/instance/terms_of_service/1999-01-01")).status).toBe(404);
    expect((await api(uk, "GET", "/health")).text).toBe("OK");

    // Writing to a feature not offered says so; reading it is empty.
    for (const [method, path] of [
      ["POST", `/api/v1/accounts/${bob.id}/endorse`],
      ["POST", "/api/v1/collections"],
      ["PUT", `/api/v1/statuses/${liked.body.id}/interaction_policy`],
    ] as const) {
      const res = await api(uk, method, path, { token: alice.token, json: {} });
      expect({ path, status: res.status, error: res.body.error }).toEqual({
        path,
        status: 422,
        error: expect.stringMatching(/not offered/),
      });
    }
    expect((await api(uk, "GET", `/api/v1/accounts/${bob.id}/collections`, { token: alice.token })).body).toEqual({ collections: [] });
    expect((await api(uk, "GET", "/api/v1/annual_reports/2026/state", { token: alice.token })).body).toEqual({ state: "ineligible" });
    expect((await api(uk, "GET", `/api/v1/statuses/${liked.body.id}/quotes`, { token: alice.token })).body).toEqual([]);
    expect((await api(uk, "GET", "/api/v1/statuses/999999999/quotes", { token: alice.token })).status).toBe(404);
    expect(shapes).toEqual([]);
  });
});
