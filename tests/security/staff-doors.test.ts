import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, Browser, createApp, ownerToken, pkcePair } from "../helpers/client.ts";
import { ConsoleClient, totpCode } from "../helpers/console.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

/**
 * Every door to staff power asks the same questions: the OAuth pages ask staff
 * for their second factor as the console does; tokens issued before a factor
 * was set up or reset stop carrying admin scopes; one table decides what each
 * role may do on the API and in the console alike; and the sign-in brake slows
 * an attacker's address without locking the account's owner out.
 */
describe("doors to staff power", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let owner: string;
  let physicianId: string;

  beforeAll(async () => {
    // Behind a proxy on loopback: X-Forwarded-For from it is believed, from anyone else it is not.
    instances = await startInstances(1, [{ env: { CONSILIUM_TRUSTED_PROXIES: "127.0.0.1" } }]);
    [uk] = instances as unknown as [TestInstance];
    owner = await ownerToken(uk);
    physicianId = (await approvedPhysician(uk, owner, { username: "vault_subject" })).id;
  }, 60_000);
  afterAll(() => instances.closeAll());

  async function staffMember(role: "verifier" | "admin" | "owner") {
    const email = `${role}.${randomBytes(3).toString("hex")}@example.test`;
    const account = await uk.services.accounts.createStaff({
      username: `${role}_${randomBytes(3).toString("hex")}`,
      email,
      password: "staff password 1",
      role,
    });
    return { account, email, password: "staff password 1" };
  }

  /** The OAuth pages step by step, as a browser sees them: the password, then what the server asks for next. */
  async function oauthSignIn(email: string, password: string, code?: string) {
    const app = await createApp(uk);
    const browser = new Browser(uk.origin);
    const pkce = pkcePair();
    const query = new URLSearchParams({
      response_type: "code",
      client_id: app.client_id,
      redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
      scope: "read admin:read admin:write",
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
    });
    const login = await browser.request("GET", `/oauth/authorize?${query}`);
    const signIn = await browser.request("POST", "/auth/sign_in", { ...Browser.hiddenInputs(login.html), email, password });
    let page = await browser.request("GET", signIn.location!);
    const first = page;
    const askedForCode = page.html.includes('action="/oauth/second_factor"');
    // Skipping the code page and posting consent directly changes nothing.
    const skipped = await browser.request("POST", "/oauth/authorize", { ...Browser.hiddenInputs(page.html), decision: "approve" });
    if (askedForCode && code) {
      const passed = await browser.request("POST", "/oauth/second_factor", { ...Browser.hiddenInputs(page.html), code });
      if (passed.status !== 303) return { askedForCode, skipped, first, token: null, page: passed };
      page = await browser.request("GET", passed.location!);
    }
    const approved = await browser.request("POST", "/oauth/authorize", { ...Browser.hiddenInputs(page.html), decision: "approve" });
    const authCode = /<code id="authorization-code">([^<]+)<\/code>/.exec(approved.html)?.[1];
    if (!authCode) return { askedForCode, skipped, first, token: null, page: approved };
    const token = await api(uk, "POST", "/oauth/token", {
      form: {
        grant_type: "authorization_code",
        client_id: app.client_id,
        client_secret: app.client_secret,
        code: authCode,
        redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
        code_verifier: pkce.verifier,
      },
    });
    return { askedForCode, skipped, first, token: token.body.access_token as string, page: approved };
  }

  it("asks staff for their second factor on the OAuth pages; a password alone never opens the identity vault", async () => {
    const verifier = await staffMember("verifier");
    // Before any factor (and none required here), a token works; it was issued before the factor exists.
    const before = await oauthSignIn(verifier.email, verifier.password);
    expect(before.askedForCode).toBe(false);
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${physicianId}`, { token: before.token! })).status).toBe(200);

    const console = new ConsoleClient(uk);
    await console.signInWithPassword(verifier.email, verifier.password);
    const { secret, recoveryCodes } = await console.setUpSecondFactor();

    // The token from before the factor no longer carries admin scopes; its other scopes still work.
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${physicianId}`, { token: before.token! })).status).toBe(403);
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token: before.token! })).status).toBe(200);

    // The password alone: the next page asks for the code, and consent posted anyway issues nothing.
    const passwordOnly = await oauthSignIn(verifier.email, verifier.password);
    expect(passwordOnly.askedForCode).toBe(true);
    expect(passwordOnly.skipped.status).toBe(401);
    expect(passwordOnly.skipped.html).not.toContain("authorization-code");
    expect(passwordOnly.token).toBeNull();

    // A wrong code: refused, nothing issued.
    const wrong = await oauthSignIn(verifier.email, verifier.password, "000000");
    expect(wrong.token).toBeNull();
    expect(wrong.page.status).toBe(401);

    // The right code: a token that opens the vault (audited).
    const withCode = await oauthSignIn(verifier.email, verifier.password, totpCode(secret, 1));
    expect(withCode.token).toBeTruthy();
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${physicianId}`, { token: withCode.token! })).status).toBe(200);
    // A recovery code works too, once.
    const recovered = await oauthSignIn(verifier.email, verifier.password, recoveryCodes[0]!);
    expect(recovered.token).toBeTruthy();

    // A reset of the factor retires every admin token issued until then.
    expect(uk.services.secondFactors.reset(null, verifier.account.id, "lost phone")).toBe(true);
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${physicianId}`, { token: withCode.token! })).status).toBe(403);
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${physicianId}`, { token: recovered.token! })).status).toBe(403);
  });

  it("refuses staff without a factor when one is required, on the OAuth pages as in the console", async () => {
    const admin = await staffMember("admin");
    const before = await oauthSignIn(admin.email, admin.password);
    expect(before.token).toBeTruthy();
    uk.services.settings.update("test", { staffSecondFactorRequired: true });
    try {
      // Required and not set up: the old token loses its admin scopes, and no new one is issued.
      expect((await api(uk, "GET", "/api/v1/admin/accounts", { token: before.token! })).status).toBe(403);
      const refused = await oauthSignIn(admin.email, admin.password);
      expect(refused.token).toBeNull();
      expect(refused.first.status).toBe(403);
      expect(refused.first.html).toContain("/admin/second_factor/setup");
    } finally {
      uk.services.settings.update("test", { staffSecondFactorRequired: false });
    }
  });

  it("decides every staff route from one table, for every role, on the API and in the console", async () => {
    const tokens: Record<string, string> = { owner };
    const consoles: Record<string, ConsoleClient> = {};
    const ids: Record<string, string> = {};
    for (const role of ["verifier", "admin"] as const) {
      const member = await staffMember(role);
      ids[role] = member.account.id;
      tokens[role] = (await oauthSignIn(member.email, member.password)).token!;
      consoles[role] = new ConsoleClient(uk);
      await consoles[role].signIn(member.email, member.password);
    }
    const physician = await approvedPhysician(uk, owner);
    tokens["physician"] = physician.token;
    const appOnly = await api(uk, "POST", "/oauth/token", {
      json: { grant_type: "client_credentials", ...(await createApp(uk)), scope: "read admin:read admin:write" },
    });
    tokens["app"] = appOnly.body.access_token;

    // Each route with the least role that may use it; everyone below gets 403 (or 401 without a user).
    const fakeOrigin = "https://never-peered.example";
    const missing = "999999999";
    const routes: { method: string; path: string; json?: unknown; least: "verifier" | "admin" }[] = [
      { method: "GET", path: "/api/v1/admin/accounts", least: "verifier" },
      { method: "GET", path: `/api/v1/admin/accounts/${physicianId}`, least: "verifier" },
      { method: "GET", path: "/api/v1/admin/reports", least: "verifier" },
      { method: "GET", path: "/api/v1/consilium/audit_log", least: "verifier" },
      { method: "GET", path: "/api/v1/consilium/admin/appeals", least: "verifier" },
      { method: "GET", path: "/api/v2/admin/accounts", least: "verifier" },
      { method: "GET", path: `/api/v1/admin/reports/${missing}`, least: "verifier" },
      { method: "PUT", path: `/api/v1/admin/reports/${missing}`, json: { category: "other" }, least: "verifier" },
      { method: "POST", path: `/api/v1/admin/reports/${missing}/resolve`, least: "verifier" },
      { method: "POST", path: `/api/v1/admin/accounts/${missing}/approve`, least: "verifier" },
      { method: "POST", path: `/api/v1/admin/accounts/${missing}/reject`, least: "verifier" },
      { method: "POST", path: `/api/v1/admin/accounts/${missing}/action`, json: { type: "none", text: "x" }, least: "verifier" },
      { method: "POST", path: `/api/v1/admin/accounts/${missing}/unsuspend`, least: "verifier" },
      { method: "POST", path: `/api/v1/admin/accounts/${missing}/licence`, json: { expires_at: "2030-01-01" }, least: "verifier" },
      { method: "DELETE", path: `/api/v1/consilium/admin/statuses/${missing}`, json: { reason: "x" }, least: "verifier" },
      { method: "POST", path: `/api/v1/consilium/admin/appeals/${missing}/approve`, least: "verifier" },
      { method: "POST", path: "/api/v1/consilium/registers", json: { file: "" }, least: "verifier" },
      { method: "GET", path: "/api/v1/consilium/peers", least: "admin" },
      { method: "POST", path: "/api/v1/consilium/peers", json: { origin: fakeOrigin }, least: "admin" },
      { method: "POST", path: "/api/v1/consilium/peers/end", json: { origin: fakeOrigin }, least: "admin" },
      { method: "POST", path: "/api/v1/consilium/peers/approve", json: { origin: fakeOrigin }, least: "admin" },
    ];
    const rank = { physician: 0, app: 0, verifier: 1, admin: 2, owner: 3 } as const;
    for (const route of routes) {
      for (const who of ["app", "physician", "verifier", "admin"] as const) {
        const res = await api(uk, route.method, route.path, { token: tokens[who], json: route.json });
        const allowed = rank[who] >= rank[route.least];
        const expected = allowed ? "allowed" : who === "app" ? 401 : 403;
        expect({
          route: `${route.method} ${route.path}`,
          who,
          got: allowed ? (res.status === 403 || res.status === 401 ? res.status : "allowed") : res.status,
        }).toEqual({
          route: `${route.method} ${route.path}`,
          who,
          got: expected,
        });
      }
    }
    // The finding: a verifier could create and end peerings through the API (200, audited); now nothing of theirs is written.
    expect(uk.services.audit.list({ limit: 500 }).filter((e) => e.action.startsWith("peer.") && e.staffId === ids["verifier"])).toEqual([]);
    // Erasing a local physician is an administrator's power: a verifier's request changes nothing.
    for (const who of ["physician", "verifier"] as const) {
      const res = await api(uk, "DELETE", `/api/v1/admin/accounts/${physicianId}`, { token: tokens[who], json: { reason: "test" } });
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
    expect(uk.services.accounts.get(physicianId)?.deletedAt ?? null).toBeNull();
    // The console answers the same for the same powers.
    for (const [path, least] of [
      ["/admin/applications", "verifier"],
      ["/admin/audit", "verifier"],
      ["/admin/peers", "admin"],
      ["/admin/settings", "admin"],
    ] as const) {
      for (const role of ["verifier", "admin"] as const) {
        const page = await consoles[role]!.get(path);
        expect({ path, role, status: page.status }).toEqual({ path, role, status: rank[role] >= rank[least] ? 200 : 403 });
      }
    }
  });

  it("slows an attacker's address without locking the account's owner, or anyone else, out", async () => {
    const victim = await staffMember("owner");
    const other = await staffMember("verifier");
    const attacker = { "X-Forwarded-For": "203.0.113.66" };
    const signInFrom = async (headers: Record<string, string>, email: string, password: string, path = "/admin/sign_in") => {
      const client = new ConsoleClient(uk);
      await client.get("/admin/sign_in");
      const response = await fetch(new URL(path, uk.origin), {
        method: "POST",
        redirect: "manual",
        headers: {
          ...headers,
          "Content-Type": "application/x-www-form-urlencoded",
          Cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        },
        body: new URLSearchParams({ csrf_token: client.csrf, email, password, return_to: "/admin" }),
      });
      await response.text();
      return response.status;
    };
    const attempts: number[] = [];
    for (let i = 0; i < 25; i++) attempts.push(await signInFrom(attacker, victim.email, `guess ${i}`));
    expect(attempts.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(attempts.slice(5).every((s) => s === 429)).toBe(true);
    // The attacker's address is slowed even with the right password …
    expect(await signInFrom(attacker, victim.email, victim.password)).toBe(429);
    // … but the owner, from their own address, signs in at once, and so does everyone else.
    expect(await signInFrom({ "X-Forwarded-For": "198.51.100.7" }, victim.email, victim.password)).toBe(303);
    expect(await signInFrom({ "X-Forwarded-For": "198.51.100.8" }, other.email, other.password)).toBe(303);
    // Twenty failures on many accounts from one address slow that address only.
    for (let i = 0; i < 21; i++) await signInFrom({ "X-Forwarded-For": "203.0.113.77" }, `nobody${i}@example.test`, "wrong");
    expect(await signInFrom({ "X-Forwarded-For": "203.0.113.77" }, other.email, other.password)).toBe(429);
    expect(await signInFrom({ "X-Forwarded-For": "198.51.100.9" }, other.email, other.password)).toBe(303);
  });
});
