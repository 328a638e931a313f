import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, apply, appToken, authorizeThroughForms, Browser, createApp, ownerToken, syntheticApplicant } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

describe("bad input gets a clear error and writes nothing", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let staff: string;
  let app: { client_id: string; client_secret: string };
  let registrationToken: string;
  const accountCount = () => uk.services.accounts.list({ limit: 200 }).length;

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    staff = await ownerToken(uk);
    app = await createApp(uk, "read write follow");
    registrationToken = await appToken(uk, app, "read write follow");
  });
  afterAll(() => instances.closeAll());

  const register = (body: unknown, headers: Record<string, string> = {}) =>
    api(uk, "POST", "/api/v1/accounts", {
      token: registrationToken,
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("registration: no token, malformed JSON, missing fields", async () => {
    const before = accountCount();
    const noToken = await api(uk, "POST", "/api/v1/accounts", { json: { ...syntheticApplicant(), agreement: true } });
    expect(noToken.status).toBe(401);
    const malformed = await register('{"username": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/not valid JSON/);
    const notObject = await register("[1,2]");
    expect(notObject.status).toBe(400);
    const missing = await register({ username: "lonely_doc" });
    expect(missing.status).toBe(422);
    expect(Object.keys(missing.body.details)).toEqual(
      expect.arrayContaining(["email", "password", "legal_name", "license_number", "specialty"]),
    );
    const wrong = await register({
      ...syntheticApplicant({ specialty: "astrology", license_jurisdiction: "Narnia" }),
      agreement: false,
      password: "short",
    });
    expect(wrong.status).toBe(422);
    expect(Object.keys(wrong.body.details).sort()).toEqual(["agreement", "license_jurisdiction", "password", "specialty"]);
    expect(accountCount()).toBe(before);
  });

  it("registration: duplicate handle or e-mail, and a handle carrying the legal name", async () => {
    const first = syntheticApplicant();
    expect((await register({ ...first, agreement: true })).status).toBe(200);
    const before = accountCount();
    const sameHandle = await register({ ...syntheticApplicant({ username: first.username.toUpperCase() }), agreement: true });
    expect(sameHandle.status).toBe(422);
    expect(sameHandle.body.details.username[0].error).toBe("ERR_TAKEN");
    const sameEmail = await register({ ...syntheticApplicant({ email: ` ${first.email.toUpperCase()} ` }), agreement: true });
    expect(sameEmail.status).toBe(422);
    expect(sameEmail.body.details.email[0].error).toBe("ERR_TAKEN");
    const named = await register({
      ...syntheticApplicant({ legal_name: "Ingrid Thorvaldsen", username: "dr_thorvaldsen" }),
      agreement: true,
    });
    expect(named.status).toBe(422);
    expect(named.body.details.username[0].error).toBe("ERR_CONTAINS_LEGAL_NAME");
    const namedDisplay = await register({
      ...syntheticApplicant({ legal_name: "Ingrid Thorvaldsen", display_name: "Ingrid T." }),
      agreement: true,
    });
    expect(namedDisplay.status).toBe(422);
    expect(namedDisplay.body.details.display_name[0].error).toBe("ERR_CONTAINS_LEGAL_NAME");
    expect(accountCount()).toBe(before);
  });

  it("form and multipart bodies are accepted like JSON", async () => {
    const a = syntheticApplicant();
    const form = await api(uk, "POST", "/api/v1/accounts", {
      token: registrationToken,
      form: { ...a, agreement: "true" } as Record<string, string>,
    });
    expect(form.status).toBe(200);
    const b = syntheticApplicant();
    const multipart = new FormData();
    for (const [k, v] of Object.entries({ ...b, agreement: "1" })) multipart.set(k, v);
    const mp = await api(uk, "POST", "/api/v1/accounts", { token: registrationToken, body: multipart });
    expect(mp.status).toBe(200);
  });

  it("oversized bodies are refused with 413", async () => {
    const huge = JSON.stringify({ ...syntheticApplicant(), reason: "x".repeat(2 * 1024 * 1024) });
    const res = await register(huge);
    expect(res.status).toBe(413);
  });

  it("OAuth: wrong password, bad PKCE verifier, reused and expired codes", async () => {
    const physician = syntheticApplicant();
    const { id } = await apply(uk, physician);
    await api(uk, "POST", `/api/v1/admin/accounts/${id}/approve`, { token: staff });

    const wrongPassword = await authorizeThroughForms(uk, app, physician.email, "not the password");
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.html).toMatch(/Invalid e-mail or password/);

    const authorized = await authorizeThroughForms(uk, app, physician.email, physician.password);
    const exchange = (extra: Record<string, string>) =>
      api(uk, "POST", "/oauth/token", {
        json: {
          grant_type: "authorization_code",
          client_id: app.client_id,
          client_secret: app.client_secret,
          code: authorized.code,
          redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
          ...extra,
        },
      });
    const badVerifier = await exchange({ code_verifier: "A".repeat(43) });
    expect(badVerifier.status).toBe(400);
    expect(badVerifier.body).toMatchObject({ error: "invalid_grant" });
    const noVerifier = await exchange({});
    expect(noVerifier.status).toBe(400);
    const good = await exchange({ code_verifier: authorized.verifier! });
    expect(good.status).toBe(200);
    const reused = await exchange({ code_verifier: authorized.verifier! });
    expect(reused.status).toBe(400);
    expect(reused.body.error_description).toMatch(/already been used/);

    const oauthApp = uk.services.oauth.findApp(app.client_id)!;
    const staleCode = uk.services.oauth.issueCode(
      { app: oauthApp, accountId: id, redirectUri: "urn:ietf:wg:oauth:2.0:oob", scopes: ["read"] },
      new Date(Date.now() - 11 * 60_000),
    );
    const expired = await api(uk, "POST", "/oauth/token", {
      form: {
        grant_type: "authorization_code",
        client_id: app.client_id,
        client_secret: app.client_secret,
        code: staleCode,
        redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
      },
    });
    expect(expired.status).toBe(400);
    expect(expired.body.error_description).toMatch(/expired/);

    const wrongSecret = await api(uk, "POST", "/oauth/token", {
      json: { grant_type: "client_credentials", client_id: app.client_id, client_secret: "nope" },
    });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error).toBe("invalid_client");
    const badGrant = await api(uk, "POST", "/oauth/token", { json: { grant_type: "password", client_id: app.client_id } });
    expect(badGrant.body.error).toBe("unsupported_grant_type");
    const badScope = await api(uk, "POST", "/api/v1/apps", {
      json: { client_name: "x", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read everything" },
    });
    expect(badScope.status).toBe(422);
    const badRedirect = await api(uk, "POST", "/api/v1/apps", { json: { client_name: "x", redirect_uris: "javascript:alert(1)" } });
    expect(badRedirect.status).toBe(422);
    const unregisteredRedirect = await fetch(
      `${uk.origin}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=https://evil.example/cb`,
    );
    expect(unregisteredRedirect.status).toBe(400);
  });

  it("OAuth: the consent form posted with a forged CSRF token is refused (403) and issues no code", async () => {
    const { id } = await apply(uk, syntheticApplicant({ email: "consent.csrf@example.test", password: "consent password 1" }));
    await api(uk, "POST", `/api/v1/admin/accounts/${id}/approve`, { token: staff });
    const browser = new Browser(uk.origin);
    const query = new URLSearchParams({
      response_type: "code",
      client_id: app.client_id,
      redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
      scope: "read",
    });
    const login = await browser.request("GET", `/oauth/authorize?${query}`);
    const signIn = await browser.request("POST", "/auth/sign_in", {
      ...Browser.hiddenInputs(login.html),
      email: "consent.csrf@example.test",
      password: "consent password 1",
    });
    const consent = await browser.request("GET", signIn.location!);
    const forged = await browser.request("POST", "/oauth/authorize", {
      ...Browser.hiddenInputs(consent.html),
      csrf_token: "A".repeat(43),
      decision: "approve",
    });
    expect(forged.status).toBe(403);
    expect(forged.html).not.toContain("authorization-code");
  });

  it("dismissing someone else's notification is 404 and leaves it in place", async () => {
    const a = await apply(uk, syntheticApplicant());
    const b = await apply(uk, syntheticApplicant());
    for (const x of [a, b]) await api(uk, "POST", `/api/v1/admin/accounts/${x.id}/approve`, { token: staff });
    const bToken = uk.services.oauth.issueForAccount(
      uk.services.oauth.createApp({ name: "t", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read write follow" }).app.id,
      b.id,
      ["read", "write", "follow"],
    ).accessToken;
    const aToken = uk.services.oauth.issueForAccount(
      uk.services.oauth.createApp({ name: "t", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read write follow" }).app.id,
      a.id,
      ["read", "write", "follow"],
    ).accessToken;
    await api(uk, "POST", `/api/v1/accounts/${a.id}/follow`, { token: bToken });
    const [notification] = (await api(uk, "GET", "/api/v1/notifications", { token: aToken })).body;
    expect(notification.type).toBe("follow");
    expect((await api(uk, "POST", `/api/v1/notifications/${notification.id}/dismiss`, { token: bToken })).status).toBe(404);
    expect((await api(uk, "GET", `/api/v1/notifications/${notification.id}`, { token: aToken })).status).toBe(200);
    expect((await api(uk, "POST", `/api/v1/notifications/${notification.id}/dismiss`, { token: aToken })).status).toBe(200);
    expect((await api(uk, "POST", "/api/v1/notifications/not-an-id/dismiss", { token: aToken })).status).toBe(404);
  });

  it("login is rate-limited after repeated failures", async () => {
    const browser = new Browser(uk.origin);
    const page = await browser.request(
      "GET",
      `/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob`,
    );
    const hidden = Browser.hiddenInputs(page.html);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await browser.request("POST", "/auth/sign_in", { ...hidden, email: "target@example.test", password: `guess-${i}` })).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it("the closed network: API paths need an approved physician's token", async () => {
    for (const path of [
      "/api/v1/accounts/verify_credentials",
      "/api/v1/preferences",
      "/api/v1/timelines/home",
      "/api/v1/custom_emojis",
      "/api/v1/admin/accounts",
    ]) {
      expect({ path, status: (await api(uk, "GET", path)).status }).toEqual({ path, status: 401 });
    }
    expect((await api(uk, "GET", "/api/v1/preferences", { token: "forged-token" })).status).toBe(401);
    // An app token is not a physician.
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: registrationToken })).status).toBe(401);
    // Discovery stays open.
    expect((await api(uk, "GET", "/api/v1/instance/")).status).toBe(200);
    expect((await api(uk, "GET", "/api/v2/instance")).status).toBe(200);
    expect((await api(uk, "GET", "/.well-known/oauth-authorization-server")).status).toBe(200);
  });

  it("admin endpoints refuse physicians and unknown ids", async () => {
    const physician = syntheticApplicant();
    const { id, token } = await apply(uk, physician);
    await api(uk, "POST", `/api/v1/admin/accounts/${id}/approve`, { token: staff });
    expect((await api(uk, "GET", "/api/v1/admin/accounts", { token })).status).toBe(403);
    expect((await api(uk, "POST", "/api/v1/admin/accounts/123/approve", { token: staff })).status).toBe(404);
    expect((await api(uk, "POST", `/api/v1/admin/accounts/${id}/action`, { token: staff, json: { type: "obliterate" } })).status).toBe(422);
  });

  it("the inbox refuses unsigned and non-peer activities before any work", async () => {
    const activity = JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      type: "Create",
      id: "https://elsewhere.example/1",
    });
    const unsigned = await fetch(`${uk.origin}/inbox`, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json" },
      body: activity,
    });
    expect(unsigned.status).toBe(401);
    const stranger = await fetch(`${uk.origin}/inbox`, {
      method: "POST",
      headers: {
        "Content-Type": "application/activity+json",
        Signature: 'keyId="https://elsewhere.example/actor#main-key",headers="(request-target) date",signature="AAAA"',
      },
      body: "{ not even json",
    });
    expect(stranger.status).toBe(403);
  });

  it("register imports: unknown layouts and malformed CSV are refused whole", async () => {
    const csv = (body: string) =>
      api(uk, "POST", "/api/v1/consilium/registers", { token: staff, body, headers: { "Content-Type": "text/csv" } });
    const unknown = await csv("name,number\nA,1\n");
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatch(/Unrecognised register layout/);
    const broken = await csv('GMC Ref No,Surname,Given Names,Registration Status\n"7012345,Unclosed\n');
    expect(broken.status).toBe(422);
    expect((await csv("")).status).toBe(422);
  });
});
