import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet, resolveAccount } from "../helpers/network.ts";

/** Every file of a .tar.gz, by name. */
async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const reader = extract();
  reader.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      files.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    reader.on("finish", resolve);
    reader.on("error", reject);
    Readable.from(bytes).pipe(createGunzip()).pipe(reader);
  });
  return files;
}

/** The instance's SQLite files as text (after a checkpoint), to look for what must not be there. */
function rawDatabase(instance: TestInstance): string {
  instance.services.database.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return readdirSync(instance.dataDir)
    .filter((f) => f.startsWith("consilium.sqlite"))
    .map((f) => readFileSync(join(instance.dataDir, f)))
    .map((b) => b.toString("latin1") + b.toString("utf16le"))
    .join("\n");
}

/**
 * Moderation across three instances, and a physician's data rights: reports
 * forwarded as the instance, a resolved report told to the reporter, a
 * staff deletion reaching the peers, a local suspension of a peer's
 * physician that stays local, an account deletion that reaches every peer
 * and leaves no identity in the file, and an archive of one's own posts.
 */
describe("moderation across borders, and leaving", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance, fr: TestInstance;
  const staff: Record<string, string> = {};
  let reporter: Awaited<ReturnType<typeof approvedPhysician>>;
  let author: Awaited<ReturnType<typeof approvedPhysician>>;
  let frReader: Awaited<ReturnType<typeof approvedPhysician>>;
  let authorOnUk: string;

  beforeAll(async () => {
    instances = await startInstances(3);
    [uk, us, fr] = instances as unknown as [TestInstance, TestInstance, TestInstance];
    staff["uk"] = await ownerToken(uk);
    staff["us"] = await ownerToken(us);
    staff["fr"] = await ownerToken(fr);
    reporter = await approvedPhysician(uk, staff["uk"]!, { username: "quietly_concerned" });
    author = await approvedPhysician(us, staff["us"]!, { username: "us_author", license_jurisdiction: "US-CA" });
    frReader = await approvedPhysician(fr, staff["fr"]!, { username: "fr_reader", license_jurisdiction: "FR" });
    await peer(uk, staff["uk"]!, us, staff["us"]!);
    await peer(uk, staff["uk"]!, fr, staff["fr"]!);
    await peer(us, staff["us"]!, fr, staff["fr"]!);
    authorOnUk = await resolveAccount(uk, reporter.token, "us_author", us);
  }, 120_000);
  afterAll(() => instances.closeAll());

  it("forwards a report to the origin as a Flag from the instance actor, never naming the reporter; resolving it tells the reporter", async () => {
    const post = (await api(us, "POST", "/api/v1/statuses", { token: author.token, json: { status: "Antibiotics for every viral cough" } }))
      .body;
    const onUk = await eventually(() => findByUri(uk, reporter.token, post.uri), "the post on UK");
    // What clients get wrong is refused with the reason.
    expect((await api(uk, "POST", "/api/v1/reports", { token: reporter.token, json: { account_id: reporter.id } })).status).toBe(422);
    expect((await api(uk, "POST", "/api/v1/reports", { token: reporter.token, json: { account_id: "999999999" } })).status).toBe(404);
    expect(
      (await api(uk, "POST", "/api/v1/reports", { token: reporter.token, json: { account_id: authorOnUk, category: "violation" } })).status,
    ).toBe(422);
    const filed = await api(uk, "POST", "/api/v1/reports", {
      token: reporter.token,
      json: { account_id: authorOnUk, status_ids: [onUk.id], comment: "Dangerous advice on antibiotics", category: "other", forward: true },
    });
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({
      forwarded: true,
      action_taken: false,
      status_ids: [onUk.id],
      target_account: { acct: `us_author@${new URL(us.origin).host}` },
    });
    // UK staff see it; so do US staff, from UK the instance.
    expect((await api(uk, "GET", "/api/v1/admin/reports", { token: staff["uk"] })).body.map((r: { id: string }) => r.id)).toContain(
      filed.body.id,
    );
    const onUs = await eventually(
      async () => (await api(us, "GET", "/api/v1/admin/reports", { token: staff["us"] })).body[0],
      "the Flag on US",
    );
    expect(onUs).toMatchObject({
      comment: "Dangerous advice on antibiotics",
      account: null,
      consilium: { reporting_instance: uk.origin },
      target_account: { username: "us_author" },
    });
    expect(onUs.statuses.map((s: { uri: string }) => s.uri)).toEqual([post.uri]);
    expect(JSON.stringify(onUs)).not.toContain("quietly_concerned");
    expect(rawDatabase(us)).not.toContain("quietly_concerned");
    // US staff are notified of the report.
    const usStaffNotes = (await api(us, "GET", "/api/v1/notifications?types[]=admin.report", { token: staff["us"] })).body;
    expect(usStaffNotes[0]).toMatchObject({ type: "admin.report", report: { comment: "Dangerous advice on antibiotics" } });

    // UK resolves its copy: the reporter is told.
    await api(uk, "POST", `/api/v1/admin/reports/${filed.body.id}/assign_to_self`, { token: staff["uk"] });
    const resolved = await api(uk, "POST", `/api/v1/admin/reports/${filed.body.id}/resolve`, { token: staff["uk"] });
    expect(resolved.body).toMatchObject({ action_taken: true, assigned_account: expect.anything() });
    const told = (await api(uk, "GET", "/api/v1/notifications?types[]=report_resolved", { token: reporter.token })).body;
    expect(told[0]).toMatchObject({ type: "report_resolved", report: { id: filed.body.id, action_taken: true } });
    expect(uk.services.audit.search({ action: "report.resolve" }, { limit: 5, offset: 0 }).rows[0]?.subjectId).toBe(authorOnUk);
  });

  it("a staff deletion of a case removes it on the peers, and its author reads why (and may appeal once)", async () => {
    const kase = (
      await api(uk, "POST", "/api/v1/statuses", {
        token: reporter.token,
        json: {
          status: "",
          case: { kind: "help", title: "Persistent fever", question: "Next investigation?", specialties: ["cardiology"] },
        },
      })
    ).body;
    const onUs = await eventually(() => findByUri(us, author.token, kase.uri), "the case on US");
    await eventually(() => findByUri(fr, frReader.token, kase.uri), "the case on FR");
    const removed = await api(uk, "DELETE", `/api/v1/consilium/admin/statuses/${kase.id}`, {
      token: staff["uk"],
      json: { reason: "It named the hospital ward" },
    });
    expect(removed.status).toBe(200);
    await eventually(
      async () => (await api(us, "GET", `/api/v1/statuses/${onUs.id}`, { token: author.token })).status === 404,
      "the case gone on US",
    );
    await eventually(async () => (await findByUri(fr, frReader.token, kase.uri)) === undefined, "the case gone on FR");
    const warning = (await api(uk, "GET", "/api/v1/notifications?types[]=moderation_warning", { token: reporter.token })).body[0];
    expect(warning).toMatchObject({
      type: "moderation_warning",
      moderation_warning: { action: "delete_statuses", text: "It named the hospital ward", status_ids: [kase.id] },
    });
    const appealed = await api(uk, "POST", `/api/v1/consilium/warnings/${warning.moderation_warning.id}/appeal`, {
      token: reporter.token,
      json: { text: "It named no ward" },
    });
    expect(appealed.body.appeal).toEqual({ text: "It named no ward", state: "pending" });
    expect(
      (
        await api(uk, "POST", `/api/v1/consilium/warnings/${warning.moderation_warning.id}/appeal`, {
          token: reporter.token,
          json: { text: "Again" },
        })
      ).status,
    ).toBe(422);
    expect(
      (await api(uk, "GET", "/api/v1/consilium/admin/appeals", { token: staff["uk"] })).body.map((w: { id: string }) => w.id),
    ).toContain(warning.moderation_warning.id);
  });

  it("suspending a peer's physician here removes them here only, and nothing more of theirs is accepted", async () => {
    const before = (await api(us, "POST", "/api/v1/statuses", { token: author.token, json: { status: "Before the suspension" } })).body;
    await eventually(() => findByUri(uk, reporter.token, before.uri), "the post on UK");
    await eventually(() => findByUri(fr, frReader.token, before.uri), "the post on FR");
    const acted = await api(uk, "POST", `/api/v1/admin/accounts/${authorOnUk}/action`, {
      token: staff["uk"],
      json: { type: "suspend", text: "Repeated dangerous advice" },
    });
    expect(acted.status).toBe(200);
    expect(await findByUri(uk, reporter.token, before.uri)).toBeUndefined();
    expect((await api(uk, "GET", `/api/v1/accounts/${authorOnUk}`, { token: reporter.token })).status).toBe(404);
    // Elsewhere nothing changed.
    expect(await findByUri(fr, frReader.token, before.uri)).toBeTruthy();
    const after = (await api(us, "POST", "/api/v1/statuses", { token: author.token, json: { status: "After the suspension" } })).body;
    await eventually(() => findByUri(fr, frReader.token, after.uri), "the new post on FR");
    await quiet([us, uk, fr], "the post delivered and applied everywhere");
    expect(await findByUri(uk, reporter.token, after.uri)).toBeUndefined();
    expect(uk.services.audit.search({ action: "remote.suspend" }, { limit: 5, offset: 0 }).rows[0]?.subjectId).toBe(authorOnUk);
    // Lifted, their next posts come in again.
    await api(uk, "POST", `/api/v1/admin/accounts/${authorOnUk}/unsuspend`, { token: staff["uk"] });
    const lifted = (await api(us, "POST", "/api/v1/statuses", { token: author.token, json: { status: "After the lift" } })).body;
    await eventually(() => findByUri(uk, reporter.token, lifted.uri), "the post after the lift on UK");
  });

  it("an archive holds the physician's own posts, likes and bookmarks as addresses, and nothing of anyone else's", async () => {
    const own = (await api(uk, "POST", "/api/v1/statuses", { token: reporter.token, json: { status: "My own words for the archive" } }))
      .body;
    const theirs = (await api(us, "POST", "/api/v1/statuses", { token: author.token, json: { status: "Someone else's words" } })).body;
    const theirsOnUk = await eventually(() => findByUri(uk, reporter.token, theirs.uri), "their post on UK");
    await api(uk, "POST", `/api/v1/statuses/${theirsOnUk.id}/favourite`, { token: reporter.token });
    await api(uk, "POST", `/api/v1/statuses/${theirsOnUk.id}/bookmark`, { token: reporter.token });
    await api(uk, "POST", `/api/v1/statuses/${theirsOnUk.id}/reblog`, { token: reporter.token });
    const requested = await api(uk, "POST", "/api/v1/consilium/account/export", { token: reporter.token });
    expect(requested.status).toBe(202);
    await uk.services.exports.finished(requested.body.id);
    const ready = (await api(uk, "GET", "/api/v1/consilium/account/export", { token: reporter.token })).body;
    expect(ready).toMatchObject({ state: "done", url: expect.stringContaining("/exports/"), expires_at: expect.any(String) });
    // Once a day.
    expect((await api(uk, "POST", "/api/v1/consilium/account/export", { token: reporter.token })).status).toBe(429);
    const download = await fetch(ready.url);
    expect(download.status).toBe(200);
    const files = await untar(Buffer.from(await download.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual(["actor.json", "bookmarks.json", "likes.json", "outbox.json"]);
    const outbox = JSON.parse(files.get("outbox.json")!.toString());
    const everything = [...files.values()].map((b) => b.toString()).join("\n");
    expect(everything).toContain("My own words for the archive");
    expect(everything).not.toContain("Someone else's words");
    expect(JSON.stringify(outbox)).toContain(own.uri);
    expect(JSON.parse(files.get("likes.json")!.toString()).orderedItems).toEqual([theirs.uri]);
    expect(JSON.parse(files.get("bookmarks.json")!.toString()).orderedItems).toEqual([theirs.uri]);
    expect(JSON.parse(files.get("actor.json")!.toString())).toMatchObject({ preferredUsername: "quietly_concerned" });
    // A tampered or expired link opens nothing.
    expect((await fetch(ready.url.replace(/sig=[^&]+/, "sig=forged"))).status).toBe(403);
  });

  it("deleting an account removes the actor and its posts on every peer, and leaves no identity in the file", async () => {
    const leaver = await approvedPhysician(uk, staff["uk"]!, {
      username: "leaving_soon",
      legal_name: "Ophelia Vantongeren",
      license_number: "7123987",
      email: "ophelia.leaving@example.test",
    });
    const post = (await api(uk, "POST", "/api/v1/statuses", { token: leaver.token, json: { status: "A farewell case note #valvular" } }))
      .body;
    await eventually(() => findByUri(us, author.token, post.uri), "the post on US");
    await eventually(() => findByUri(fr, frReader.token, post.uri), "the post on FR");
    const leaverOnFr = await resolveAccount(fr, frReader.token, "leaving_soon", uk);
    await api(fr, "POST", `/api/v1/accounts/${leaverOnFr}/follow`, { token: frReader.token });
    // A wrong password changes nothing.
    expect(
      (await api(uk, "POST", "/api/v1/consilium/account/delete", { token: leaver.token, json: { password: "not my password" } })).status,
    ).toBe(403);
    expect(uk.services.accounts.get(leaver.id)!.deletedAt).toBeNull();
    expect(
      (await api(uk, "POST", "/api/v1/consilium/account/delete", { token: leaver.token, json: { password: leaver.applicant.password } }))
        .status,
    ).toBe(200);
    // Gone here: no sign-in, no actor, the handle kept.
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: leaver.token })).status).toBe(401);
    expect(
      (await fetch(`${uk.origin}/users/leaving_soon`, { headers: { Accept: "application/activity+json" } })).status,
    ).toBeGreaterThanOrEqual(400);
    expect(uk.services.accounts.findByUsername("leaving_soon")?.deletedAt).toBeInstanceOf(Date);
    // Gone on every peer.
    for (const [peerInstance, token] of [
      [us, author.token],
      [fr, frReader.token],
    ] as const) {
      await eventually(
        async () => (await findByUri(peerInstance, token, post.uri)) === undefined,
        `the post gone on ${peerInstance.origin}`,
      );
      await eventually(
        () => peerInstance.services.directory.findRemoteByUri(`${uk.origin}/users/leaving_soon`)?.gone === true,
        `the actor gone on ${peerInstance.origin}`,
      );
    }
    expect((await api(fr, "GET", `/api/v1/accounts/${leaverOnFr}`, { token: frReader.token })).status).toBe(404);
    // Here: the identity cannot be opened any more, and no trace of it (or the post) is in the file.
    expect(uk.services.review.readIdentity("test", leaver.id, "check").legalName).toBe("");
    const raw = rawDatabase(uk);
    for (const secret of ["Ophelia", "Vantongeren", "7123987", "ophelia.leaving@example.test", "A farewell case note"])
      expect({ secret, found: raw.includes(secret) }).toEqual({ secret, found: false });
    expect(uk.services.audit.search({ action: "account.delete", subjectId: leaver.id }, { limit: 1, offset: 0 }).rows).toHaveLength(1);
  });
});
