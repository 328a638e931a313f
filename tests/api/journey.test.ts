import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, apply, appToken, Browser, createApp, loginThroughForms, ownerToken, syntheticApplicant } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

describe("the applicant journey over HTTP", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let staff: string;
  beforeAll(async () => {
    instances = await startInstances(1, [{ name: "UK Medical Network", country: "GB" }]);
    uk = instances[0]!;
    staff = await ownerToken(uk);
  });
  afterAll(() => instances.closeAll());

  it("register -> pending -> approved -> OAuth login -> verify_credentials", async () => {
    const applicant = syntheticApplicant({ display_name: "Night Registrar" });
    const app = await createApp(uk, "read write follow");
    const appBearer = await appToken(uk, app, "read write follow");

    const registered = await api(uk, "POST", "/api/v1/accounts", {
      token: appBearer,
      json: { ...applicant, agreement: true, locale: "en", reason: "Consultant cardiologist" },
    });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ token_type: "Bearer", approval_pending: true, account_status: "pending" });
    const pendingToken = registered.body.access_token as string;

    // A pending applicant's token reads nothing, and the applicant does not exist outside.
    const whileP = await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: pendingToken });
    expect(whileP.status).toBe(403);
    expect(whileP.body.error).toMatch(/pending/);
    const actor = await fetch(`${uk.origin}/users/${applicant.username}`, { headers: { Accept: "application/activity+json" } });
    expect(actor.status).toBe(404);
    const finger = await api(uk, "GET", `/.well-known/webfinger?resource=acct:${applicant.username}@${new URL(uk.origin).host}`);
    expect(finger.status).toBe(404);
    const pendingLogin = await loginThroughForms(uk, app, applicant.email, applicant.password);
    expect(pendingLogin.token).toBeUndefined();
    expect(pendingLogin.html).toMatch(/pending approval/);

    // The verifier sees it in the queue and approves it.
    const queue = await api(uk, "GET", "/api/v1/admin/accounts?pending=true", { token: staff });
    expect(queue.status).toBe(200);
    const entry = queue.body.find((a: { username: string }) => a.username === applicant.username);
    expect(entry).toMatchObject({ approved: false, email: "" });
    const queueV2 = await api(uk, "GET", "/api/v2/admin/accounts?status=pending", { token: staff });
    expect(queueV2.body.map((a: { id: string }) => a.id)).toContain(entry.id);

    const review = await api(uk, "GET", `/api/v1/admin/accounts/${entry.id}`, { token: staff });
    expect(review.status).toBe(200);
    expect(review.body.consilium.identity).toMatchObject({
      legal_name: applicant.legal_name,
      email: applicant.email,
      license_number: applicant.license_number,
      register_match: "none",
    });
    const approved = await api(uk, "POST", `/api/v1/admin/accounts/${entry.id}/approve`, { token: staff });
    expect(approved.status).toBe(200);
    expect(approved.body.approved).toBe(true);

    // The token issued at registration now works, and so does a fresh OAuth login.
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: pendingToken })).status).toBe(200);
    const login = await loginThroughForms(uk, app, applicant.email, applicant.password);
    expect(login.status).toBe(200);
    const me = await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: login.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: entry.id,
      username: applicant.username,
      acct: applicant.username,
      display_name: "Night Registrar",
    });
    expect(me.body.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "Specialty", value: "Cardiology" }),
        expect.objectContaining({ name: "Jurisdiction", value: "GB" }),
      ]),
    );
    expect(me.body.source.privacy).toBe("public");

    // The audit log recorded the review read and the decision.
    const audit = await api(uk, "GET", `/api/v1/consilium/audit_log?account_id=${entry.id}`, { token: staff });
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["identity.read", "account.approve"]));

    // Now the physician exists to the outside: WebFinger finds them, and the
    // actor itself is served only to signed requests from peers (closed network).
    const found = await api(uk, "GET", `/.well-known/webfinger?resource=acct:${applicant.username}@${new URL(uk.origin).host}`);
    expect(found.status).toBe(200);
    const person = await fetch(`${uk.origin}/users/${applicant.username}`, { headers: { Accept: "application/activity+json" } });
    expect(person.status).toBe(401);
  });

  it("a rejected applicant cannot log in", async () => {
    const applicant = syntheticApplicant();
    const { id } = await apply(uk, applicant);
    const rejected = await api(uk, "POST", `/api/v1/admin/accounts/${id}/reject`, { token: staff, json: { text: "licence not found" } });
    expect(rejected.status).toBe(200);
    expect(rejected.body.consilium.status).toBe("rejected");
    const app = await createApp(uk);
    const login = await loginThroughForms(uk, app, applicant.email, applicant.password);
    expect(login.token).toBeUndefined();
    expect(login.status).toBe(403);
    const actor = await fetch(`${uk.origin}/users/${applicant.username}`, { headers: { Accept: "application/activity+json" } });
    expect(actor.status).toBe(404);
    // Rejecting twice is refused rather than silently repeated.
    expect((await api(uk, "POST", `/api/v1/admin/accounts/${id}/reject`, { token: staff })).status).toBe(403);
  });

  it("suspending a physician revokes access and removes the actor", async () => {
    const applicant = syntheticApplicant();
    const { id, token } = await apply(uk, applicant);
    await api(uk, "POST", `/api/v1/admin/accounts/${id}/approve`, { token: staff });
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token })).status).toBe(200);
    const action = await api(uk, "POST", `/api/v1/admin/accounts/${id}/action`, {
      token: staff,
      json: { type: "suspend", text: "licence lapsed" },
    });
    expect(action.status).toBe(200);
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token })).status).toBe(403);
    const actor = await fetch(`${uk.origin}/users/${applicant.username}`, { headers: { Accept: "application/activity+json" } });
    expect(actor.status).toBe(404);
  });

  it("the /apply web form registers a pending applicant", async () => {
    const browser = new Browser(uk.origin);
    const form = await browser.request("GET", "/apply");
    expect(form.status).toBe(200);
    const applicant = syntheticApplicant();
    const submitted = await browser.request("POST", "/apply", {
      ...Browser.hiddenInputs(form.html),
      username: applicant.username,
      email: applicant.email,
      password: applicant.password,
      legal_name: applicant.legal_name,
      license_number: applicant.license_number,
      license_jurisdiction: "gb",
      specialty: "neurology",
      agreement: "1",
    });
    expect(submitted.status).toBe(200);
    expect(submitted.html).toMatch(/pending/);
    expect(uk.services.accounts.findByUsername(applicant.username)?.status).toBe("pending");

    // Without the CSRF token the same form is refused and nothing is stored.
    const other = syntheticApplicant();
    const forged = await new Browser(uk.origin).request("POST", "/apply", { ...other, agreement: "1" });
    expect(forged.status).toBe(403);
    expect(uk.services.accounts.findByUsername(other.username)).toBeUndefined();
  });

  it("a physician edits the profile and its Disclosures field", async () => {
    const applicant = syntheticApplicant({ legal_name: "Bartholomew Quenneville" });
    const { id, token } = await apply(uk, applicant);
    await api(uk, "POST", `/api/v1/admin/accounts/${id}/approve`, { token: staff });
    const updated = await api(uk, "PATCH", "/api/v1/accounts/update_credentials", {
      token,
      form: {
        display_name: "Valve Whisperer",
        note: "Structural heart.",
        "fields_attributes[0][name]": "Disclosures",
        "fields_attributes[0][value]": "Speaker fees: none",
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe("Valve Whisperer");
    expect(updated.body.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "Disclosures", value: "Speaker fees: none" })]),
    );
    const leaky = await api(uk, "PATCH", "/api/v1/accounts/update_credentials", { token, json: { display_name: "Dr Quenneville" } });
    expect(leaky.status).toBe(422);
    expect(leaky.body.details.display_name[0].error).toBe("ERR_CONTAINS_LEGAL_NAME");
    const other = await api(uk, "GET", `/api/v1/accounts/lookup?acct=${applicant.username}`, { token });
    expect(other.body.display_name).toBe("Valve Whisperer");
    expect((await api(uk, "GET", `/api/v1/accounts/${id}`, { token })).body.username).toBe(applicant.username);
  });
});
