/**
 * A small HTTP client for tests: JSON helpers, a cookie jar for the HTML
 * forms, and the steps a physician or verifier takes (apply, approve, log in).
 */
import { createHash, randomBytes } from "node:crypto";
import type { TestInstance } from "./instances.ts";
import { totpCode } from "./console.ts";

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * fetch that reconnects once when a pooled keep-alive socket was closed by a
 * server restart (undici does not retry a POST on its own; clients do).
 */
export async function reconnectingFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET") throw error;
    return fetch(input, init);
  }
}

export async function api<T = any>(
  instance: { origin: string },
  method: string,
  path: string,
  options: { token?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers["Authorization"] = `Bearer ${options.token}`;
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = new URLSearchParams(options.form);
  }
  const response = await reconnectingFetch(new URL(path, instance.origin), { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (HTML pages); `text` has it
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** Cookies as a browser would keep them for one origin. */
/** A minimal cookie jar: takes what a response sets (and forgets what it clears). */
export function keepCookies(jar: Map<string, string>, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const i = pair!.indexOf("=");
    const name = pair!.slice(0, i);
    const value = pair!.slice(i + 1);
    if (value === "" || /max-age=0/i.test(cookie)) jar.delete(name);
    else jar.set(name, value);
  }
}

export class Browser {
  readonly cookies = new Map<string, string>();
  readonly origin: string;
  constructor(origin: string) {
    this.origin = origin;
  }

  async request(
    method: string,
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; location: string | null; html: string }> {
    const response = await reconnectingFetch(new URL(path, this.origin), {
      method,
      redirect: "manual",
      headers: {
        Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      },
      body: form ? new URLSearchParams(form) : undefined,
    });
    keepCookies(this.cookies, response);
    return { status: response.status, location: response.headers.get("location"), html: await response.text() };
  }

  /** The hidden form inputs of a page (CSRF token and carried OAuth params). */
  static hiddenInputs(html: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      out[m[1]!] = m[2]!
        .replace(/&amp;/g, "&")
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">");
    }
    return out;
  }
}

export interface Applicant {
  username: string;
  email: string;
  password: string;
  legal_name: string;
  license_number: string;
  license_jurisdiction: string;
  specialty: string;
  display_name?: string;
}

let counter = 0;
/** A synthetic applicant; names are made up and unique per call. */
export function syntheticApplicant(overrides: Partial<Applicant> = {}): Applicant {
  counter++;
  return {
    username: `doc_${counter}_${randomBytes(3).toString("hex")}`,
    email: `applicant${counter}.${randomBytes(3).toString("hex")}@example.test`,
    password: "correct horse battery staple",
    legal_name: `Zephyrine Quillfeather${counter}`,
    license_number: `${7900000 + counter}`,
    license_jurisdiction: "GB",
    specialty: "cardiology",
    ...overrides,
  };
}

export async function createApp(
  instance: { origin: string },
  scopes = "read write follow push admin:read admin:write",
  redirectUri = "urn:ietf:wg:oauth:2.0:oob",
) {
  const res = await api(instance, "POST", "/api/v1/apps", {
    json: { client_name: "Test client", redirect_uris: redirectUri, scopes },
  });
  if (res.status !== 200) throw new Error(`app creation failed: ${res.text}`);
  return res.body as { client_id: string; client_secret: string; id: string };
}

export async function appToken(instance: { origin: string }, app: { client_id: string; client_secret: string }, scope = "read write") {
  const res = await api(instance, "POST", "/oauth/token", {
    json: { grant_type: "client_credentials", client_id: app.client_id, client_secret: app.client_secret, scope },
  });
  if (res.status !== 200) throw new Error(`client_credentials failed: ${res.text}`);
  return res.body.access_token as string;
}

export function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

/** The authorization-code flow through the HTML pages: sign in, approve, read the out-of-band code. */
export async function authorizeThroughForms(
  instance: { origin: string },
  app: { client_id: string },
  email: string,
  password: string,
  scope = "read write follow",
  options: { pkce?: boolean; redirectUri?: string; responseMode?: string; state?: string; secondFactor?: () => string } = {},
): Promise<{ status: number; html: string; code?: string; verifier?: string; location?: string | null }> {
  const browser = new Browser(instance.origin);
  const pkce = options.pkce === false ? undefined : pkcePair();
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: options.redirectUri ?? "urn:ietf:wg:oauth:2.0:oob",
    scope,
    ...(pkce ? { code_challenge: pkce.challenge, code_challenge_method: "S256" } : {}),
    ...(options.responseMode ? { response_mode: options.responseMode } : {}),
    ...(options.state ? { state: options.state } : {}),
  });
  const loginPage = await browser.request("GET", `/oauth/authorize?${query}`);
  if (loginPage.status !== 200) return { status: loginPage.status, html: loginPage.html };
  const signIn = await browser.request("POST", "/auth/sign_in", { ...Browser.hiddenInputs(loginPage.html), email, password });
  if (signIn.status !== 303) return { status: signIn.status, html: signIn.html };
  let consent = await browser.request("GET", signIn.location!);
  // Staff: the second factor's page comes before consent.
  if (consent.html.includes('action="/oauth/second_factor"') && options.secondFactor) {
    const passed = await browser.request("POST", "/oauth/second_factor", {
      ...Browser.hiddenInputs(consent.html),
      code: options.secondFactor(),
    });
    if (passed.status !== 303) return { status: passed.status, html: passed.html };
    consent = await browser.request("GET", passed.location!);
  }
  if (consent.status !== 200) return { status: consent.status, html: consent.html };
  const approved = await browser.request("POST", "/oauth/authorize", { ...Browser.hiddenInputs(consent.html), decision: "approve" });
  const code = /<code id="authorization-code">([^<]+)<\/code>/.exec(approved.html)?.[1];
  return { status: approved.status, html: approved.html, code, verifier: pkce?.verifier, location: approved.location };
}

/** Authorizes through the pages and exchanges the code (with PKCE) for a token. */
export async function loginThroughForms(
  instance: { origin: string },
  app: { client_id: string; client_secret: string },
  email: string,
  password: string,
  scope = "read write follow",
  secondFactor?: () => string,
): Promise<{ token?: string; status: number; html: string; code?: string }> {
  const authorized = await authorizeThroughForms(instance, app, email, password, scope, { secondFactor });
  if (!authorized.code) return authorized;
  const token = await api(instance, "POST", "/oauth/token", {
    form: {
      grant_type: "authorization_code",
      client_id: app.client_id,
      client_secret: app.client_secret,
      code: authorized.code,
      redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
      code_verifier: authorized.verifier!,
    },
  });
  return { token: token.body.access_token, status: token.status, html: authorized.html, code: authorized.code };
}

/** An owner created through the services (as the CLI does) and logged in. */
export async function ownerToken(instance: TestInstance): Promise<string> {
  const email = `owner.${randomBytes(3).toString("hex")}@example.test`;
  const owner = await instance.services.accounts.createStaff({
    username: `owner_${randomBytes(3).toString("hex")}`,
    email,
    password: "owner password 1",
    role: "owner",
  });
  // Where staff must have a second factor, this owner sets one up (as at their first console sign-in) and uses it.
  let secondFactor: (() => string) | undefined;
  if (instance.services.secondFactors.stepAfterPassword(owner) === "setup") {
    const { secret } = instance.services.secondFactors.beginSetup(owner.id, owner.username);
    instance.services.secondFactors.confirmSetup(owner.id, totpCode(secret));
    secondFactor = () => totpCode(secret, 1);
  }
  const app = await createApp(instance);
  const login = await loginThroughForms(instance, app, email, "owner password 1", "read write follow admin:read admin:write", secondFactor);
  if (!login.token) throw new Error(`owner login failed: ${login.status} ${login.html.slice(0, 300)}`);
  return login.token;
}

/**
 * POST /api/v2/media as Mastodon clients use it: a 202 (the image is being
 * processed and its text read) is followed by GET /api/v1/media/:id until it
 * answers 200, or 422 with why it was refused.
 */
export async function uploadMedia(instance: { origin: string }, token: string, form: FormData): Promise<JsonResponse> {
  const accepted = await api(instance, "POST", "/api/v2/media", { token, body: form });
  if (accepted.status !== 202) return accepted;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const current = await api(instance, "GET", `/api/v1/media/${accepted.body.id}`, { token });
    if (current.status !== 206 || Date.now() > deadline) return current;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A token for an approved account with exactly these scopes (as a client asking for them would get). */
export function tokenWithScopes(instance: TestInstance, accountId: string, scopes: readonly string[]): string {
  const { app } = instance.services.oauth.createApp({
    name: "Scoped client",
    redirectUris: ["urn:ietf:wg:oauth:2.0:oob"],
    scopes: scopes.join(" "),
  });
  return instance.services.oauth.issueForAccount(app.id, accountId, [...scopes]).accessToken;
}

/** Applies over the API with an app token; returns the new account's id. */
export async function apply(instance: { origin: string }, applicant: Applicant): Promise<{ id: string; token: string }> {
  const app = await createApp(instance, "read write follow");
  const token = await appToken(instance, app, "read write follow");
  const res = await api(instance, "POST", "/api/v1/accounts", { token, json: { ...applicant, agreement: true, locale: "en" } });
  if (res.status !== 200) throw new Error(`registration failed: ${res.status} ${res.text}`);
  const account = (instance as TestInstance).services?.accounts.findByUsername(applicant.username);
  return { id: account?.id ?? "", token: res.body.access_token };
}

/** Registers and approves a physician, then logs them in; returns their token. */
export async function approvedPhysician(instance: TestInstance, staffToken: string, overrides: Partial<Applicant> = {}) {
  const applicant = syntheticApplicant(overrides);
  const { id } = await apply(instance, applicant);
  const approved = await api(instance, "POST", `/api/v1/admin/accounts/${id}/approve`, { token: staffToken });
  if (approved.status !== 200) throw new Error(`approval failed: ${approved.text}`);
  const app = await createApp(instance);
  const login = await loginThroughForms(instance, app, applicant.email, applicant.password);
  if (!login.token) throw new Error(`login failed: ${login.status}`);
  return { id, token: login.token, applicant };
}

/**
 * Many approved physicians at once, set up through the services (as a
 * verifier would approve them), each with a credential and a bearer token.
 */
export async function quickPhysicians(
  instance: TestInstance,
  count: number,
  overrides: Partial<Applicant> = {},
): Promise<{ id: string; token: string; username: string }[]> {
  const services = instance.services;
  const { app } = services.oauth.createApp({ name: "bulk test", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read write follow" });
  const one = async (i: number) => {
    const a = syntheticApplicant(overrides.username ? { ...overrides, username: `${overrides.username}_${i}` } : overrides);
    const applied = await services.accounts.apply({
      username: a.username,
      email: a.email,
      password: a.password,
      agreement: true,
      legalName: a.legal_name,
      licenseNumber: a.license_number,
      licenseJurisdiction: a.license_jurisdiction,
      specialty: a.specialty,
    });
    await services.credentialLifecycle.sync(services.review.approve("test-harness", applied.id), { announce: false });
    const token = services.oauth.issueForAccount(app.id, applied.id, ["read", "write", "follow"]).accessToken;
    return { id: applied.id, token, username: a.username };
  };
  // Key generation (RSA-2048 per actor) dominates; the crypto thread pool runs a few at once.
  const out: { id: string; token: string; username: string }[] = [];
  for (let i = 0; i < count; i += 8) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, j) => one(i + j)))));
  }
  return out;
}
