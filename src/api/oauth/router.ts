import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { type IssuedToken, OAuthError, OOB_REDIRECT_URI } from "../../domain/oauth/service.ts";
import { KNOWN_SCOPES } from "../../domain/oauth/scopes.ts";
import { errorList, page } from "../../pages/layout.ts";
import { csrfToken, csrfValid, startSession, webSession } from "../../pages/session.ts";
import type { PasswordSignIn, SecondFactorCheck } from "../../pages/sign-in.ts";
import { webSignIn } from "../../pages/sign-in-page.ts";
import { readParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";

const AUTHORIZE_PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "code_challenge",
  "code_challenge_method",
  "force_login",
  "lang",
  "response_mode",
] as const;
const RESPONSE_MODES = ["query", "fragment", "form_post"] as const;
type ResponseMode = (typeof RESPONSE_MODES)[number];

function responseMode(value: unknown): ResponseMode {
  const mode = str(value) ?? "query";
  if (!(RESPONSE_MODES as readonly string[]).includes(mode))
    throw new OAuthError("invalid_request", `The response_mode ${mode} is not supported (query, fragment or form_post).`);
  return mode as ResponseMode;
}

/** The OAuth 2.0 Form Post Response Mode: the browser posts the result to the client's redirect URI. */
function formPostPage(redirectUri: string, fields: Record<string, string>) {
  return html`<!doctype html><html><head><meta charset="utf-8"><title>Continue</title><script src="/assets/form-post.js"></script></head>
<body><form method="post" action="${redirectUri}">
${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function tokenJson(token: IssuedToken) {
  return {
    access_token: token.accessToken,
    token_type: "Bearer",
    scope: token.scopes.join(" "),
    created_at: Math.floor(token.createdAt.getTime() / 1000),
  };
}

/** The authorization request's parameters, carried from one page to the next. */
function carriedQuery(params: Record<string, unknown>): URLSearchParams {
  const query = new URLSearchParams();
  for (const k of AUTHORIZE_PARAMS) if (str(params[k]) && k !== "force_login") query.set(k, str(params[k])!);
  return query;
}

function hiddenFields(params: Record<string, unknown>) {
  return AUTHORIZE_PARAMS.map((k) => (str(params[k]) ? html`<input type="hidden" name="${k}" value="${str(params[k])}">` : ""));
}

/** OAuth 2 (authorization code with PKCE, client credentials), as Mastodon serves it. */
export function oauthRouter(signIn: PasswordSignIn, codes: SecondFactorCheck) {
  /** Staff enter their second-factor code after the password, as in the console. */
  const codePage = (c: Context<AppEnv>, params: Record<string, unknown>, errors: string[] = [], status: 200 | 401 | 403 | 429 = 200) =>
    c.html(
      page(
        "Second factor",
        c.get("services").instance.name,
        html`${errorList(errors)}<p>Staff accounts confirm every sign-in with their second factor.</p>
<form method="post" action="/oauth/second_factor">
<input type="hidden" name="csrf_token" value="${csrfToken(c)}">${hiddenFields(params)}
<label for="code">Code from your authenticator app, or a recovery code</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="20">
<button type="submit">Continue</button>
</form>`,
      ),
      status,
    );
  const setUpFirstPage = (c: Context<AppEnv>) =>
    c.html(
      page(
        "Set up your second factor first",
        c.get("services").instance.name,
        html`<p class="error">This instance requires a second factor for staff. Set it up in the <a href="/admin/second_factor/setup">staff console</a>, then sign in here again.</p>`,
      ),
      403,
    );
  /** Where a signed-in account stands before consent: staff without their second factor go no further. */
  const signedIn = async (c: Context<AppEnv>) => {
    const services = c.get("services");
    const session = await webSession(c);
    const account = session ? services.accounts.get(session.accountId) : undefined;
    const step = account ? services.secondFactors.stepAfterPassword(account) : "none";
    return {
      account,
      secondFactorAt: session?.secondFactorAt ?? null,
      step: step === "code" && session?.secondFactorAt ? ("none" as const) : step,
    };
  };

  const authorizePage = async (
    c: Context<AppEnv>,
    params: Record<string, unknown>,
    errors: string[] = [],
    status: 200 | 401 | 403 | 429 = 200,
  ) => {
    const services = c.get("services");
    const check = services.oauth.checkAuthorizationRequest({
      clientId: str(params["client_id"]),
      redirectUri: str(params["redirect_uri"]),
      responseType: str(params["response_type"]),
      scope: str(params["scope"]),
      codeChallenge: str(params["code_challenge"]),
      codeChallengeMethod: str(params["code_challenge_method"]),
    });
    responseMode(params["response_mode"]);
    const csrf = csrfToken(c);
    const { account, step } = await signedIn(c);
    if (!account || str(params["force_login"]) === "true") {
      return c.html(
        page(
          "Sign in",
          services.instance.name,
          html`${errorList(errors)}<p><strong>${check.app.name}</strong> wants to access your account.</p>
<form method="post" action="/auth/sign_in">
<input type="hidden" name="csrf_token" value="${csrf}">${hiddenFields(params)}
<label for="email">E-mail</label><input id="email" name="email" type="email" required autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" required autocomplete="current-password">
<button type="submit">Sign in</button>
</form><p class="note">Not a member yet? <a href="/apply">Apply to join</a>.</p>`,
        ),
        status,
      );
    }
    if (account.status !== "approved" || account.disabled) {
      const why =
        account.status === "pending" ? "Your application is still pending approval by a verifier." : "This account cannot sign in.";
      return c.html(page("Cannot authorize", services.instance.name, html`<p class="error">${why}</p>`), 403);
    }
    if (step === "setup") return setUpFirstPage(c);
    if (step === "code") return codePage(c, params, errors, status);
    return c.html(
      page(
        "Authorize",
        services.instance.name,
        html`${errorList(errors)}<p>Signed in as <strong>@${account.username}</strong>.</p>
<p><strong>${check.app.name}</strong> asks for: <code>${check.scopes.join(" ")}</code></p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="csrf_token" value="${csrf}">${hiddenFields(params)}
<button type="submit" name="decision" value="approve">Authorize</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
      ),
      status,
    );
  };

  const badRequestPage = (c: Context<AppEnv>, error: OAuthError) =>
    c.html(page("Authorization failed", c.get("services").instance.name, html`<p class="error">${error.message}</p>`), 400);

  return (
    new Hono<AppEnv>()
      .get("/.well-known/oauth-authorization-server", (c) => {
        const origin = c.get("services").instance.origin;
        return c.json({
          issuer: `${origin}/`,
          service_documentation: "https://docs.joinmastodon.org/",
          authorization_endpoint: `${origin}/oauth/authorize`,
          token_endpoint: `${origin}/oauth/token`,
          app_registration_endpoint: `${origin}/api/v1/apps`,
          revocation_endpoint: `${origin}/oauth/revoke`,
          userinfo_endpoint: `${origin}/oauth/userinfo`,
          scopes_supported: [...KNOWN_SCOPES],
          response_types_supported: ["code"],
          response_modes_supported: ["query", "fragment", "form_post"],
          grant_types_supported: ["authorization_code", "client_credentials"],
          token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
          code_challenge_methods_supported: ["S256"],
        });
      })
      .get("/oauth/authorize", async (c) => {
        try {
          return await authorizePage(c, c.req.query());
        } catch (error) {
          if (error instanceof OAuthError) return badRequestPage(c, error);
          throw error;
        }
      })
      .post("/auth/sign_in", async (c) => {
        const params = await readParams(c);
        // Without an OAuth request this is the plain web sign-in (people and posts pages).
        if (!str(params["client_id"])) return webSignIn(c, params, signIn);
        try {
          if (!csrfValid(c, params["csrf_token"])) return await authorizePage(c, params, ["The form expired; please sign in again."], 403);
          const result = await signIn.attempt(c, str(params["email"]) ?? "", str(params["password"]) ?? "");
          if (!result.ok) {
            if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
            return await authorizePage(c, params, [result.message], result.status);
          }
          await startSession(c, result.account.id);
          return c.redirect(`/oauth/authorize?${carriedQuery(params)}`, 303);
        } catch (error) {
          if (error instanceof OAuthError) return badRequestPage(c, error);
          throw error;
        }
      })
      /** The staff member's code after the password; the session then records the factor as passed. */
      .post("/oauth/second_factor", async (c) => {
        const params = await readParams(c);
        try {
          if (!csrfValid(c, params["csrf_token"])) return codePage(c, params, ["The form expired; please try again."], 403);
          const { account } = await signedIn(c);
          if (!account) return await authorizePage(c, params, ["Please sign in."], 401);
          const result = codes.attempt(c, account.id, str(params["code"]) ?? "", "oauth");
          if (!result.ok) {
            if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
            return codePage(c, params, [result.message], result.status);
          }
          await startSession(c, account.id, { secondFactorAt: new Date() });
          return c.redirect(`/oauth/authorize?${carriedQuery(params)}`, 303);
        } catch (error) {
          if (error instanceof OAuthError) return badRequestPage(c, error);
          throw error;
        }
      })
      .post("/oauth/authorize", async (c) => {
        const services = c.get("services");
        const params = await readParams(c);
        let check: ReturnType<typeof services.oauth.checkAuthorizationRequest>;
        try {
          check = services.oauth.checkAuthorizationRequest({
            clientId: str(params["client_id"]),
            redirectUri: str(params["redirect_uri"]),
            responseType: str(params["response_type"]),
            scope: str(params["scope"]),
            codeChallenge: str(params["code_challenge"]),
            codeChallengeMethod: str(params["code_challenge_method"]),
          });
        } catch (error) {
          if (error instanceof OAuthError) return badRequestPage(c, error);
          throw error;
        }
        if (!csrfValid(c, params["csrf_token"])) return authorizePage(c, params, ["The form expired; please try again."], 403);
        const { account, secondFactorAt, step } = await signedIn(c);
        if (!account || account.status !== "approved" || account.disabled) return authorizePage(c, params, ["Please sign in."], 401);
        // No code for staff power without the second factor, whatever the form says.
        if (step === "setup") return setUpFirstPage(c);
        if (step === "code") return codePage(c, params, ["Enter your second-factor code first."], 401);
        const state = str(params["state"]);
        let mode: ResponseMode;
        try {
          mode = responseMode(params["response_mode"]);
        } catch (error) {
          if (error instanceof OAuthError) return badRequestPage(c, error);
          throw error;
        }
        const redirect = (result: Record<string, string>) => {
          const fields = { ...result, ...(state ? { state } : {}) };
          if (mode === "form_post") return c.html(formPostPage(check.redirectUri, fields));
          const url = new URL(check.redirectUri);
          if (mode === "fragment") url.hash = new URLSearchParams(fields).toString();
          else for (const [k, v] of Object.entries(fields)) url.searchParams.set(k, v);
          return c.redirect(url.href, 303);
        };
        if (params["decision"] !== "approve") {
          if (check.redirectUri === OOB_REDIRECT_URI) {
            return c.html(page("Access denied", services.instance.name, html`<p>You denied access.</p>`));
          }
          return redirect({ error: "access_denied", error_description: "The resource owner denied the request." });
        }
        const code = services.oauth.issueCode({
          app: check.app,
          accountId: account.id,
          redirectUri: check.redirectUri,
          scopes: check.scopes,
          codeChallenge: str(params["code_challenge"]),
          secondFactorAt,
        });
        if (check.redirectUri === OOB_REDIRECT_URI) {
          return c.html(
            page(
              "Authorization code",
              services.instance.name,
              html`<p>Copy this code into <strong>${check.app.name}</strong>:</p><p><code id="authorization-code">${code}</code></p>`,
            ),
          );
        }
        return redirect({ code });
      })
      .post("/oauth/token", async (c) => {
        const services = c.get("services");
        const params = await readParams(c);
        const basic = basicCredentials(c.req.header("authorization"));
        const clientId = basic?.id ?? str(params["client_id"]);
        const clientSecret = basic?.secret ?? str(params["client_secret"]);
        switch (str(params["grant_type"])) {
          case "authorization_code":
            return c.json(
              tokenJson(
                services.oauth.exchangeCode({
                  clientId,
                  clientSecret,
                  code: str(params["code"]),
                  redirectUri: str(params["redirect_uri"]),
                  codeVerifier: str(params["code_verifier"]),
                }),
              ),
            );
          case "client_credentials":
            return c.json(tokenJson(services.oauth.clientCredentials({ clientId, clientSecret, scope: str(params["scope"]) })));
          case undefined:
            throw new OAuthError("invalid_request", "The grant_type parameter is missing.");
          default:
            throw new OAuthError("unsupported_grant_type", "Only authorization_code and client_credentials are supported.");
        }
      })
      .post("/oauth/revoke", async (c) => {
        const params = await readParams(c);
        const basic = basicCredentials(c.req.header("authorization"));
        c.get("services").oauth.revoke({
          clientId: basic?.id ?? str(params["client_id"]),
          clientSecret: basic?.secret ?? str(params["client_secret"]),
          token: str(params["token"]),
        });
        return c.json({});
      })
  );
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const m = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}
