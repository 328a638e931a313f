import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, apply, approvedPhysician, createApp, ownerToken, syntheticApplicant } from "../../helpers/client.ts";
import { ConsoleClient, totpCode } from "../../helpers/console.ts";
import { startInstances, type TestInstance } from "../../helpers/instances.ts";
import { eventually } from "../../helpers/network.ts";

const GB_REGISTER = readFileSync(new URL("../../fixtures/registers/gb-lrmp-sample.csv", import.meta.url), "utf8");

/**
 * The staff console over HTTP (the browser tests drive the same pages in
 * Chromium): the second factor, refusals that change nothing, the queue and
 * its decisions, accounts, imports, settings, peers and the audit log.
 */
describe("the staff console", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let owner: { id: string; email: string; password: string; secret?: string };
  let verifier: { id: string; email: string; password: string; secret?: string };
  let ownerConsole: ConsoleClient;
  let verifierConsole: ConsoleClient;
  const staff = async (role: "owner" | "admin" | "verifier", username: string) => {
    const email = `${username}@council.example`;
    const account = await uk.services.accounts.createStaff({ username, email, password: "staff password 1", role });
    return { id: account.id, email, password: "staff password 1" };
  };
  const status = (id: string) => uk.services.accounts.get(id)!.status;
  const audit = (action: string) => uk.services.audit.search({ action }, { limit: 50, offset: 0 }).rows;

  beforeAll(async () => {
    instances = await startInstances(2, [{ name: "UK Medical Council" }, { name: "US Board" }]);
    uk = instances[0]!;
    owner = await staff("owner", "council_owner");
    verifier = await staff("verifier", "verifier_one");
    uk.services.settings.update(owner.id, { staffSecondFactorRequired: true });
    ownerConsole = new ConsoleClient(uk);
    owner.secret = (await ownerConsole.signIn(owner.email, owner.password)).secret;
    verifierConsole = new ConsoleClient(uk);
    verifier.secret = (await verifierConsole.signIn(verifier.email, verifier.password)).secret;
  }, 60_000);
  afterAll(() => instances.closeAll());

  it("needs the second factor: set up at first sign-in, then asked every time; wrong, reused and missing codes change nothing", async () => {
    const applicant = await apply(uk, syntheticApplicant());
    // Password alone opens nothing, and a decision posted with it is not taken.
    const half = new ConsoleClient(uk);
    const first = await half.signInWithPassword(verifier.email, verifier.password);
    expect(first.location).toBe("/admin/second_factor");
    expect((await half.get("/admin")).location).toBe("/admin/second_factor");
    const sneaky = await half.post(`/admin/accounts/${applicant.id}/approve`, { note: "no second factor" });
    expect(sneaky.location).toBe("/admin/second_factor");
    expect(status(applicant.id)).toBe("pending");

    await half.get("/admin/second_factor");
    expect((await half.post("/admin/second_factor", { code: "000000" })).status).toBe(401);
    // The code used at setup (same time step) is not good twice.
    const reused = await half.post("/admin/second_factor", { code: totpCode(verifier.secret!) });
    expect(reused.status).toBe(401);
    const passed = await half.post("/admin/second_factor", { code: totpCode(verifier.secret!, 1) });
    expect(passed.location).toBe("/admin");
    expect((await half.get("/admin")).status).toBe(200);
    expect(audit("staff.second_factor_failed").filter((e) => e.staffId === verifier.id).length).toBe(2);

    // Recovery codes: each once.
    const admin = await staff("admin", "recovering_admin");
    const adminConsole = new ConsoleClient(uk);
    const { recoveryCodes } = await adminConsole.signIn(admin.email, admin.password);
    const again = new ConsoleClient(uk);
    await again.signInWithPassword(admin.email, admin.password);
    await again.get("/admin/second_factor");
    expect((await again.post("/admin/second_factor", { code: recoveryCodes![0]! })).location).toBe("/admin");
    const third = new ConsoleClient(uk);
    await third.signInWithPassword(admin.email, admin.password);
    await third.get("/admin/second_factor");
    expect((await third.post("/admin/second_factor", { code: recoveryCodes![0]! })).status).toBe(401);
    // Five wrong codes, then a pause (429) even for a right one.
    for (let i = 0; i < 4; i++) await third.post("/admin/second_factor", { code: "123456" });
    const braked = await third.post("/admin/second_factor", { code: recoveryCodes![1]! });
    expect(braked.status).toBe(429);
  });

  it("refuses physicians, forged forms and expired sessions, and changes nothing", async () => {
    const owner2 = await ownerToken(uk);
    const physician = await approvedPhysician(uk, owner2, { username: "just_a_doctor" });
    const doctor = new ConsoleClient(uk);
    const refused = await doctor.signInWithPassword(physician.applicant.email, physician.applicant.password);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("Staff only");
    expect(doctor.cookies.has("consilium_staff")).toBe(false);

    const applicant = await apply(uk, syntheticApplicant());
    await verifierConsole.get(`/admin/applications/${applicant.id}`);
    for (const csrf of ["forged-token", ""]) {
      const forged = await verifierConsole.post(`/admin/accounts/${applicant.id}/approve`, {}, csrf);
      expect(forged.status).toBe(403);
      expect(forged.html).toContain("Nothing was changed");
    }
    // A token from another browser is no good with this one's cookie.
    const forgedFromElsewhere = await verifierConsole.post(`/admin/accounts/${applicant.id}/approve`, {}, ownerConsole.csrf);
    expect(forgedFromElsewhere.status).toBe(403);
    expect(status(applicant.id)).toBe("pending");

    // An idle session has expired: the form is refused and nothing changes.
    const dozing = await staff("verifier", "dozing_verifier");
    const idle = new ConsoleClient(uk);
    await idle.signIn(dozing.email, dozing.password);
    await idle.get(`/admin/applications/${applicant.id}`);
    uk.services.database.sqlite
      .prepare("UPDATE staff_sessions SET last_seen_at = ? WHERE account_id = ?")
      .run(Date.now() - 31 * 60_000, dozing.id);
    const late = await idle.post(`/admin/accounts/${applicant.id}/approve`);
    expect(late.status).toBe(303);
    expect(late.location).toMatch(/^\/admin\/sign_in/);
    expect(status(applicant.id)).toBe("pending");

    // Sign out everywhere ends every session of that staff member.
    const busy = await staff("admin", "busy_admin");
    const desk = new ConsoleClient(uk);
    const { secret } = await desk.signIn(busy.email, busy.password);
    const laptop = new ConsoleClient(uk);
    await laptop.signIn(busy.email, busy.password, secret, 1);
    await desk.get("/admin");
    expect((await desk.post("/admin/sign_out_everywhere")).location).toBe("/admin/sign_in");
    expect((await laptop.get("/admin")).location).toMatch(/^\/admin\/sign_in/);
    expect(audit("staff.sign_out").find((e) => e.staffId === busy.id)?.reason).toMatch(/everywhere \(2 sessions\)/);
  });

  it("works the queue: filters, the identity behind a reason, approve, reject with a reason, ask and get an answer", async () => {
    const matching = await apply(
      uk,
      syntheticApplicant({
        username: "echo_reader",
        legal_name: "Adaeze Okonkwo-Hart",
        license_number: "7012345",
        specialty: "cardiology",
      }),
    );
    const nobodyApplicant = syntheticApplicant({ username: "unknown_doc", specialty: "dermatology" });
    const nobody = await apply(uk, nobodyApplicant);
    const queue = await verifierConsole.get("/admin/applications");
    expect(queue.html.indexOf("@echo_reader")).toBeLessThan(queue.html.indexOf("@unknown_doc"));
    expect((await verifierConsole.get("/admin/applications?specialty=dermatology")).html).not.toContain("@echo_reader");
    expect((await verifierConsole.get("/admin/applications?match=exact")).html).not.toContain("@unknown_doc");

    // The application without its identity; the identity only with a reason, audited.
    const page = await verifierConsole.get(`/admin/applications/${matching.id}`);
    expect(page.html).toContain("@echo_reader");
    expect(page.html).not.toContain("Okonkwo");
    const noReason = await verifierConsole.post(`/admin/accounts/${matching.id}/identity`, { reason: "" });
    expect(noReason.status).toBe(303);
    const opened = await verifierConsole.post(`/admin/accounts/${matching.id}/identity`, { reason: "licence check" });
    expect(opened.html).toContain("Adaeze Okonkwo-Hart");
    expect(opened.html).toContain("7012345");
    expect(audit("identity.read").find((e) => e.subjectId === matching.id)).toMatchObject({
      staffId: verifier.id,
      reason: "licence check",
    });

    const approved = await verifierConsole.post(`/admin/accounts/${matching.id}/approve`, { note: "register checked" });
    expect(approved.location).toBe("/admin/applications");
    expect(status(matching.id)).toBe("approved");
    expect(uk.services.accounts.get(matching.id)!.credential).toBeTruthy();
    expect(audit("account.approve").find((e) => e.subjectId === matching.id)?.staffId).toBe(verifier.id);

    // Ask for information: the applicant answers on their page; the application comes back.
    await verifierConsole.get(`/admin/applications/${nobody.id}`);
    await verifierConsole.post(`/admin/accounts/${nobody.id}/request_info`, {
      message: "Please give your licence number as on the register",
    });
    const row = `href="/admin/applications/${nobody.id}"`;
    expect((await verifierConsole.get("/admin/applications")).html).not.toContain(row);
    expect((await verifierConsole.get("/admin/applications?waiting=applicant")).html).toContain(row);
    const applicantBrowser = new ConsoleClient(uk);
    await applicantBrowser.get("/apply/status");
    expect((await applicantBrowser.post("/apply/status", { email: nobodyApplicant.email, password: "wrong password" })).status).toBe(401);
    await applicantBrowser.post("/apply/status", { email: nobodyApplicant.email, password: nobodyApplicant.password });
    const statusPage = await applicantBrowser.get("/apply/status");
    expect(statusPage.html).toContain("Please give your licence number as on the register");
    expect(statusPage.html).not.toContain("verifier_one");
    await applicantBrowser.post("/apply/status/answer", { message: "It is 7999999, registered last month" });
    expect((await verifierConsole.get("/admin/applications")).html).toContain(row);

    // Reject with a reason the applicant sees.
    await verifierConsole.get(`/admin/applications/${nobody.id}`);
    expect((await verifierConsole.post(`/admin/accounts/${nobody.id}/reject`, { reason: "" })).status).toBe(303);
    expect(status(nobody.id)).toBe("pending");
    await verifierConsole.post(`/admin/accounts/${nobody.id}/reject`, { reason: "No registration found for that number" });
    expect(status(nobody.id)).toBe("rejected");
    const after = await applicantBrowser.get("/apply/status");
    expect(after.html).toContain("not approved");
    expect(after.html).toContain("No registration found for that number");
  });

  it("manages accounts: search, licence expiry, re-verify, suspend, staff and their second factors", async () => {
    const owner2 = await ownerToken(uk);
    const doc = await approvedPhysician(uk, owner2, { username: "steady_hands" });
    const found = await verifierConsole.get("/admin/accounts?q=steady&status=approved");
    expect(found.html).toContain("@steady_hands");
    await verifierConsole.get(`/admin/accounts/${doc.id}`);
    await verifierConsole.post(`/admin/accounts/${doc.id}/licence`, { expires_at: "2027-03-01" });
    expect(uk.services.review.licenceExpiry(doc.id)).toBe("2027-03-01");
    await verifierConsole.post(`/admin/accounts/${doc.id}/reverify`, { reason: "licence lapsed on the register" });
    expect(status(doc.id)).toBe("pending");
    expect(uk.services.accounts.get(doc.id)!.credential).toBeNull();
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: doc.token })).status).toBe(403);
    await verifierConsole.post(`/admin/accounts/${doc.id}/approve`, {});
    await verifierConsole.post(`/admin/accounts/${doc.id}/suspend`, { reason: "fitness to practise hearing" });
    expect(status(doc.id)).toBe("suspended");
    await verifierConsole.post(`/admin/accounts/${doc.id}/unsuspend`, { reason: "hearing concluded" });
    expect(status(doc.id)).toBe("approved");

    // Verifiers add no staff and reset no second factor; the owner does both.
    expect((await verifierConsole.get("/admin/accounts")).html).not.toContain("Add a staff member");
    await ownerConsole.get("/admin/accounts");
    const added = await ownerConsole.post("/admin/accounts/staff", {
      username: "second_verifier",
      email: "second.verifier@council.example",
      password: "temporary pass 1",
      role: "verifier",
    });
    expect(added.status).toBe(303);
    const newcomer = uk.services.accounts.findByUsername("second_verifier")!;
    expect(newcomer.role).toBe("verifier");
    const refusedReset = await verifierConsole.post(`/admin/accounts/${owner.id}/reset_second_factor`, { reason: "try" });
    expect(refusedReset.status).toBe(303);
    expect(uk.services.secondFactors.enabled(owner.id)).toBe(true);
    await ownerConsole.get(`/admin/accounts/${verifier.id}`);
    await ownerConsole.post(`/admin/accounts/${verifier.id}/reset_second_factor`, { reason: "lost phone" });
    expect(uk.services.secondFactors.enabled(verifier.id)).toBe(false);
    // Their sessions ended; at the next sign-in they set it up again.
    expect((await verifierConsole.get("/admin")).location).toMatch(/^\/admin\/sign_in/);
    verifierConsole = new ConsoleClient(uk);
    verifier.secret = (await verifierConsole.signIn(verifier.email, verifier.password)).secret;
    expect(audit("second_factor.reset")[0]).toMatchObject({ staffId: owner.id, subjectId: verifier.id, reason: "lost phone" });
  });

  it("imports a register extract in the background, with progress, skipped lines and re-matched applications", async () => {
    const waiting = await apply(
      uk,
      syntheticApplicant({ username: "waits_for_register", legal_name: "Peter John Lindqvist", license_number: "7023456" }),
    );
    expect(uk.services.accounts.get(waiting.id)!.registerMatch).toBe("none");
    await verifierConsole.get("/admin/registers");
    const bad =
      GB_REGISTER.replace("7023456,Lindqvist", "7023456,Lindqvist") +
      "12AB,Broken,Row,F,2001,Somewhere,Registered with a licence to practise,2002-01-01,N,N,\n";
    const started = await verifierConsole.upload("/admin/registers", "file", "lrmp.csv", bad);
    expect(started.status).toBe(303);
    const progressUrl = started.location!;
    const done = await eventually(async () => {
      const p = JSON.parse((await verifierConsole.get(`${progressUrl}/progress`)).html);
      return p.state === "done" ? p : null;
    }, "the import to finish");
    expect(done).toMatchObject({ source: "gmc-lrmp", processed: done.total, matches_changed: expect.any(Number) });
    expect(done.matches_changed).toBeGreaterThanOrEqual(1);
    expect(done.errors).toEqual([expect.objectContaining({ line: expect.any(Number), reason: expect.stringContaining("7-digit") })]);
    expect(uk.services.accounts.get(waiting.id)!.registerMatch).toBe("exact");
    const page = await verifierConsole.get(progressUrl);
    expect(page.html).toContain("Pending applications whose match changed");
    // Not a CSV of a known register: refused with the reason, nothing imported.
    const wrong = await verifierConsole.upload("/admin/registers", "file", "notes.csv", "name,age\nx,1\n");
    const failed = await eventually(async () => {
      const p = JSON.parse((await verifierConsole.get(`${wrong.location}/progress`)).html);
      return p.state === "failed" ? p : null;
    }, "the bad import to fail");
    expect(failed.message).toMatch(/Unrecognised register layout/);
    expect(audit("register.import")[0]?.staffId).toBe(verifier.id);
  });

  it("changes the instance's settings and rules, which the API shows; only administrators may", async () => {
    expect((await verifierConsole.get("/admin/settings")).status).toBe(403);
    await ownerConsole.get("/admin/settings");
    const saved = await ownerConsole.post("/admin/settings", {
      name: "UK Medical Council Consilium",
      description: "Verified UK physicians discussing hard cases.",
      contact_email: "consilium@council.example",
      staff_second_factor_required: "1",
    });
    expect(saved.location).toBe("/admin/settings");
    await ownerConsole.post("/admin/settings/rules", { text: "Never identify a patient", hint: "No names, dates or places" });
    const instance = (await api(uk, "GET", "/api/v2/instance")).body;
    expect(instance).toMatchObject({
      title: "UK Medical Council Consilium",
      description: "Verified UK physicians discussing hard cases.",
      contact: { email: "consilium@council.example" },
      registrations: { enabled: false },
    });
    expect(instance.rules).toEqual([expect.objectContaining({ text: "Never identify a patient" })]);
    expect((await api(uk, "GET", "/api/v1/instance")).body).toMatchObject({
      title: "UK Medical Council Consilium",
      registrations: false,
      email: "consilium@council.example",
    });
    // Applications are closed: the form and the API refuse.
    expect((await api(uk, "GET", "/apply")).status).toBe(403);
    const app = await createApp(uk, "read write");
    const token = (
      await api(uk, "POST", "/oauth/token", {
        json: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope: "read write" },
      })
    ).body.access_token;
    const closed = await api(uk, "POST", "/api/v1/accounts", { token, json: { ...syntheticApplicant(), agreement: true } });
    expect(closed.status).toBe(403);
    await ownerConsole.post("/admin/settings", {
      name: "UK Medical Council Consilium",
      description: "Verified UK physicians discussing hard cases.",
      contact_email: "consilium@council.example",
      registrations_open: "1",
      staff_second_factor_required: "1",
    });
    expect((await api(uk, "GET", "/api/v2/instance")).body.registrations.enabled).toBe(true);
    // A bad address is refused, the rest unchanged.
    const badEmail = await ownerConsole.post("/admin/settings", {
      name: "Renamed",
      description: "",
      contact_email: "not an address",
      registrations_open: "1",
    });
    expect(badEmail.status).toBe(303);
    expect(uk.services.settings.current().name).toBe("UK Medical Council Consilium");
    expect(audit("settings.name")[0]).toMatchObject({ staffId: owner.id });
  });

  it("peers two instances from their consoles", async () => {
    const us = instances[1]!;
    const usOwner = await us.services.accounts.createStaff({
      username: "us_owner",
      email: "owner@board.example",
      password: "staff password 1",
      role: "owner",
    });
    const usConsole = new ConsoleClient(us);
    await usConsole.signIn("owner@board.example", "staff password 1");
    expect((await verifierConsole.get("/admin/peers")).status).toBe(403);
    await ownerConsole.get("/admin/peers");
    await ownerConsole.post("/admin/peers", { origin: us.origin });
    await eventually(async () => (await usConsole.get("/admin/peers")).html.includes("pending approval"), "the request on US");
    await usConsole.post("/admin/peers/approve", { origin: uk.origin });
    await eventually(async () => (await ownerConsole.get("/admin/peers")).html.match(/<td>active<\/td>/), "the peering to be active on UK");
    await eventually(() => us.services.peers.isActive(uk.origin), "the peering to be active on US");
    expect((await usConsole.post("/admin/peers/end", { origin: uk.origin, reason: "" })).status).toBe(303);
    expect(us.services.peers.isActive(uk.origin)).toBe(true);
    await usConsole.post("/admin/peers/end", { origin: uk.origin, reason: "pilot ended" });
    expect(us.services.peers.isActive(uk.origin)).toBe(false);
    expect(us.services.audit.search({ action: "peer.end" }, { limit: 5, offset: 0 }).rows[0]).toMatchObject({
      staffId: usOwner.id,
      reason: `${uk.origin}: pilot ended`,
    });
  });

  it("shows the audit log filtered by actor, subject, action and date, and exports it", async () => {
    const page = await ownerConsole.get("/admin/audit?actor=verifier_one&action=identity.read");
    expect(page.html).toContain("licence check");
    expect(page.html).toContain("@verifier_one");
    expect(page.html).not.toContain("<td>settings.name</td>");
    expect(page.html).toContain("<td>identity.read</td>");
    const bySubject = await ownerConsole.get("/admin/audit?subject=echo_reader");
    expect(bySubject.html).toContain("account.approve");
    const today = new Date().toISOString().slice(0, 10);
    expect((await ownerConsole.get(`/admin/audit?from=${today}&to=${today}&action=account.approve`)).html).toContain("@echo_reader");
    expect((await ownerConsole.get("/admin/audit?from=2000-01-01&to=2000-01-02")).html).toContain("0 entries");
    const csv = await ownerConsole.get("/admin/audit.csv?action=identity.read");
    expect(csv.html.split("\r\n")[0]).toBe("time,actor,action,subject,reason");
    expect(csv.html).toContain('"verifier_one","identity.read","echo_reader","licence check"');
    // A value a spreadsheet would run is written as text.
    uk.services.audit.record({ staffId: owner.id, subjectId: null, action: "rules.add", reason: '=HYPERLINK("http://x")' });
    expect((await ownerConsole.get("/admin/audit.csv?action=rules.add")).html).toContain(`"'=HYPERLINK(""http://x"")"`);
    // Signing in, the second factor, refusals: each with its actor.
    expect(audit("staff.sign_in").some((e) => e.staffId === verifier.id && e.reason === "second factor")).toBe(true);
  });
});
