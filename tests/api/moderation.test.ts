import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { ConsoleClient } from "../helpers/console.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

/**
 * Staff decisions on a local physician through Mastodon's admin API, and the
 * console's Reports page: each action does what Mastodon's does, the
 * physician reads the reason and may appeal once, and lifting works.
 */
describe("moderating a local physician", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let staff: string;
  let subject: Awaited<ReturnType<typeof approvedPhysician>>;
  let follower: Awaited<ReturnType<typeof approvedPhysician>>;
  let stranger: Awaited<ReturnType<typeof approvedPhysician>>;
  const publicIds = async (token: string) =>
    (await api(uk, "GET", "/api/v1/timelines/public?local=true", { token })).body.map((s: { id: string }) => s.id) as string[];

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    staff = await ownerToken(uk);
    subject = await approvedPhysician(uk, staff, { username: "loud_poster" });
    follower = await approvedPhysician(uk, staff, { username: "loyal_follower" });
    stranger = await approvedPhysician(uk, staff, { username: "passer_by" });
    await api(uk, "POST", `/api/v1/accounts/${subject.id}/follow`, { token: follower.token });
  });
  afterAll(() => instances.closeAll());

  it("limits, marks media sensitive and disables sign-in as Mastodon does; each is lifted; the physician reads why", async () => {
    const post = (await api(uk, "POST", "/api/v1/statuses", { token: subject.token, json: { status: "Loud opinions" } })).body;
    expect(await publicIds(stranger.token)).toContain(post.id);
    // Limit: gone from strangers' network timelines, still there for followers.
    expect(
      (
        await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/action`, {
          token: staff,
          json: { type: "silence", text: "Off-topic promotion" },
        })
      ).status,
    ).toBe(200);
    expect(await publicIds(stranger.token)).not.toContain(post.id);
    expect(await publicIds(follower.token)).toContain(post.id);
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${subject.id}`, { token: staff })).body).toMatchObject({ silenced: true });
    // Search: found by strangers only by the exact handle; by followers as before.
    const found = async (token: string, q: string) =>
      (await api(uk, "GET", `/api/v2/search?type=accounts&q=${encodeURIComponent(q)}`, { token })).body.accounts.map(
        (a: { id: string }) => a.id,
      );
    expect(await found(stranger.token, "loud_po")).not.toContain(subject.id);
    expect(await found(stranger.token, `@loud_poster@${new URL(uk.origin).host}`)).toContain(subject.id);
    expect(await found(follower.token, "loud_po")).toContain(subject.id);
    await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/unsilence`, { token: staff });
    expect(await publicIds(stranger.token)).toContain(post.id);
    expect(await found(stranger.token, "loud_po")).toContain(subject.id);
    // Sensitive: media shown behind a warning.
    await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/action`, {
      token: staff,
      json: { type: "sensitive", text: "Graphic images" },
    });
    expect((await api(uk, "GET", `/api/v1/statuses/${post.id}`, { token: stranger.token })).body.sensitive).toBe(true);
    await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/unsensitive`, { token: staff });
    expect((await api(uk, "GET", `/api/v1/statuses/${post.id}`, { token: stranger.token })).body.sensitive).toBe(false);
    // Disable: the token stops working; enable brings it back.
    await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/action`, {
      token: staff,
      json: { type: "disable", text: "Shared credentials" },
    });
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: subject.token })).status).toBe(403);
    await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/enable`, { token: staff });
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: subject.token })).status).toBe(200);
    // Three decisions, each with its reason, in the physician's notifications and list.
    const warnings = (await api(uk, "GET", "/api/v1/consilium/warnings", { token: subject.token })).body;
    expect(warnings.map((w: { action: string; text: string }) => [w.action, w.text])).toEqual([
      ["disable", "Shared credentials"],
      ["sensitive", "Graphic images"],
      ["silence", "Off-topic promotion"],
    ]);
    expect((await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/action`, { token: staff, json: { type: "explode" } })).status).toBe(
      422,
    );
    expect(
      (await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/action`, { token: subject.token, json: { type: "none" } })).status,
    ).toBe(403);
  });

  it("an appeal is heard once; approving it lifts the decision", async () => {
    await api(uk, "POST", `/api/v1/admin/accounts/${subject.id}/action`, { token: staff, json: { type: "silence", text: "Second time" } });
    const [latest] = (await api(uk, "GET", "/api/v1/consilium/warnings", { token: subject.token })).body;
    const appealed = await api(uk, "POST", `/api/v1/consilium/warnings/${latest.id}/appeal`, {
      token: subject.token,
      json: { text: "These were case discussions" },
    });
    expect(appealed.body.appeal).toEqual({ text: "These were case discussions", state: "pending" });
    expect(
      (await api(uk, "POST", `/api/v1/consilium/warnings/${latest.id}/appeal`, { token: stranger.token, json: { text: "Not mine" } }))
        .status,
    ).toBe(404);
    const decided = await api(uk, "POST", `/api/v1/consilium/admin/appeals/${latest.id}/approve`, { token: staff });
    expect(decided.body.appeal.state).toBe("approved");
    expect(uk.services.accounts.get(subject.id)!.silenced).toBe(false);
    expect(uk.services.audit.search({ action: "appeal.approve" }, { limit: 1, offset: 0 }).rows).toHaveLength(1);
  });

  it("the console lists reports, acts on one, and resolves it", async () => {
    const report = (
      await api(uk, "POST", "/api/v1/reports", {
        token: stranger.token,
        json: { account_id: subject.id, comment: "Rude in every thread", category: "other" },
      })
    ).body;
    const owner = await uk.services.accounts.createStaff({
      username: "console_mod",
      email: "mod@council.example",
      password: "staff password 1",
      role: "admin",
    });
    const console = new ConsoleClient(uk);
    await console.signIn("mod@council.example", "staff password 1");
    const list = await console.get("/admin/reports");
    expect(list.html).toContain("Rude in every thread");
    expect(list.html).toContain("@passer_by");
    const page = await console.get(`/admin/reports/${report.id}`);
    expect(page.html).toContain("@loud_poster");
    await console.post(`/admin/moderation/${subject.id}/act`, { type: "none", text: "Please keep threads civil", report_id: report.id });
    expect(uk.services.reports.get(report.id)!.actionTaken).toBe(true);
    expect((await api(uk, "GET", "/api/v1/notifications?types[]=report_resolved", { token: stranger.token })).body).toHaveLength(1);
    expect(uk.services.audit.search({ action: "account.warn", staffId: owner.id }, { limit: 1, offset: 0 }).rows).toHaveLength(1);
    // The physician reads it on their account page too (sign in on the web).
    const web = new ConsoleClient(uk);
    await web.get("/auth/sign_in?return_to=/account");
    await web.post("/auth/sign_in", { email: subject.applicant.email, password: subject.applicant.password, return_to: "/account" });
    const account = await web.get("/account");
    expect(account.html).toContain("Please keep threads civil");
    expect(account.html).toContain("Delete my account");
  });
});
