import { type Context, Hono } from "hono";
import { raw } from "hono/html";
import QRCode from "qrcode";
import type { AppEnv } from "../../http/env.ts";
import { csrfToken, csrfValid } from "../../pages/session.ts";
import type { PasswordSignIn, SecondFactorCheck } from "../../pages/sign-in.ts";
import { clearStaffCookie, currentSession, flash, isStaffRole, pendingStep, safeConsolePath, setStaffCookie } from "./auth.ts";
import { Csrf, publicPage } from "./layout.tsx";

const SignInForm = (props: { csrf: string; returnTo: string; error?: string }) => (
  <>
    {props.error && (
      <div class="flash error" role="alert">
        {props.error}
      </div>
    )}
    <form method="post" action="/admin/sign_in">
      <Csrf token={props.csrf} />
      <input type="hidden" name="return_to" value={props.returnTo} />
      <label for="email">E-mail</label>
      <input id="email" name="email" type="email" required autocomplete="username" />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" required autocomplete="current-password" />
      <p>
        <button type="submit">Sign in</button>
      </p>
    </form>
    <p class="muted">For verifiers and administrators of this instance. Physicians sign in from their Mastodon app.</p>
  </>
);

const CodeForm = (props: { csrf: string; action: string; label: string; error?: string; hint: string }) => (
  <>
    {props.error && (
      <div class="flash error" role="alert">
        {props.error}
      </div>
    )}
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <label for="code">{props.label}</label>
      <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength={20} />
      <p class="muted">{props.hint}</p>
      <p>
        <button type="submit">Continue</button>
      </p>
    </form>
  </>
);

/** Physicians never open the console: a plain refusal, no session kept. */
export function forbiddenPage(c: Context<AppEnv>) {
  return publicPage(
    c,
    "Staff only",
    <p>This console is for the instance's verifiers and administrators. Physicians use their Mastodon app.</p>,
    403,
  );
}

export function formExpiredPage(c: Context<AppEnv>) {
  return publicPage(
    c,
    "The form expired",
    <p>
      The form was not accepted (it was open too long, or did not come from this console). Nothing was changed.{" "}
      <a href="/admin">Back to the console</a>.
    </p>,
    403,
  );
}

/**
 * Signing in to the console: e-mail and password (the same brute-force
 * brake as every sign-in), then the second factor, or its setup when it is
 * required and missing.  Each step is a plain form.
 */
export function consoleSignInRouter(signIn: PasswordSignIn, codes: SecondFactorCheck) {
  const codeBrake = (c: Context<AppEnv>, accountId: string) => {
    const wait = codes.wait(accountId);
    if (wait > 0) c.header("Retry-After", String(wait));
    return wait;
  };

  return new Hono<AppEnv>()
    .get("/sign_in", (c) => {
      const session = currentSession(c);
      const returnTo = safeConsolePath(c.req.query("return_to"));
      if (session) {
        const account = c.get("services").accounts.get(session.accountId);
        if (account && isStaffRole(account.role)) return c.redirect(pendingStep(c, account, session) ?? returnTo, 302);
      }
      return publicPage(c, "Staff sign-in", <SignInForm csrf={csrfToken(c)} returnTo={returnTo} />);
    })
    .post("/sign_in", async (c) => {
      const services = c.get("services");
      const body = await c.req.parseBody();
      const returnTo = safeConsolePath(body["return_to"]);
      const again = (error: string, status: 401 | 403 | 429) =>
        publicPage(c, "Staff sign-in", <SignInForm csrf={csrfToken(c)} returnTo={returnTo} error={error} />, status);
      if (!csrfValid(c, body["csrf_token"])) return again("The form expired; please sign in again.", 403);
      const result = await signIn.attempt(c, String(body["email"] ?? ""), String(body["password"] ?? ""));
      if (!result.ok) {
        if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
        return again(result.message, result.status);
      }
      if (!isStaffRole(result.account.role) || result.account.status !== "approved") return forbiddenPage(c);
      const token = services.staffSessions.start(result.account.id, { secondFactor: false });
      setStaffCookie(c, token);
      services.audit.record({ staffId: result.account.id, subjectId: result.account.id, action: "staff.sign_in", reason: "password" });
      const session = services.staffSessions.resolve(token)!;
      return c.redirect(pendingStep(c, result.account, session) ?? returnTo, 303);
    })
    .get("/second_factor", (c) => {
      const session = currentSession(c);
      if (!session) return c.redirect("/admin/sign_in", 302);
      if (!c.get("services").secondFactors.enabled(session.accountId)) return c.redirect("/admin/second_factor/setup", 302);
      return publicPage(
        c,
        "Second factor",
        <CodeForm
          csrf={csrfToken(c)}
          action="/admin/second_factor"
          label="Code from your authenticator app"
          hint="Six digits; or one of your recovery codes."
        />,
      );
    })
    .post("/second_factor", async (c) => {
      const services = c.get("services");
      const session = currentSession(c);
      if (!session) return c.redirect("/admin/sign_in", 303);
      const body = await c.req.parseBody();
      const again = (error: string, status: 401 | 403 | 429) =>
        publicPage(
          c,
          "Second factor",
          <CodeForm
            csrf={csrfToken(c)}
            action="/admin/second_factor"
            label="Code from your authenticator app"
            hint="Six digits; or one of your recovery codes."
            error={error}
          />,
          status,
        );
      if (!csrfValid(c, body["csrf_token"])) return again("The form expired; please try again.", 403);
      const result = codes.attempt(c, session.accountId, String(body["code"] ?? ""), "console");
      if (!result.ok) {
        if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
        return again(result.message, result.status);
      }
      const how = result.how;
      services.staffSessions.passedSecondFactor(session.id);
      if (how === "recovery")
        flash(c, `You used a recovery code; ${services.secondFactors.remainingRecoveryCodes(session.accountId)} are left.`);
      return c.redirect("/admin", 303);
    })
    .get("/second_factor/setup", async (c) => {
      const services = c.get("services");
      const session = currentSession(c);
      if (!session) return c.redirect("/admin/sign_in", 302);
      if (services.secondFactors.enabled(session.accountId)) return c.redirect("/admin/second_factor", 302);
      const account = services.accounts.get(session.accountId)!;
      const label = `${account.username}@${services.instance.host}`;
      const setup =
        services.secondFactors.pendingSetup(session.accountId, label) ?? services.secondFactors.beginSetup(session.accountId, label);
      const svg = await QRCode.toString(setup.uri, { type: "svg", margin: 1, width: 220, errorCorrectionLevel: "M" });
      return publicPage(
        c,
        "Set up your second factor",
        <>
          <p>
            {services.settings.current().staffSecondFactorRequired ? "This instance requires a second factor for staff. " : ""}Scan the code
            with an authenticator app (any that supports TOTP), then enter the six digits it shows.
          </p>
          <figure aria-label="QR code for your authenticator app">{raw(svg)}</figure>
          <p>
            Or type this key: <code id="totp-secret">{setup.secret}</code>
          </p>
          <CodeForm csrf={csrfToken(c)} action="/admin/second_factor/setup" label="Code from your authenticator app" hint="Six digits." />
        </>,
      );
    })
    .post("/second_factor/setup", async (c) => {
      const services = c.get("services");
      const session = currentSession(c);
      if (!session) return c.redirect("/admin/sign_in", 303);
      const body = await c.req.parseBody();
      if (!csrfValid(c, body["csrf_token"])) return formExpiredPage(c);
      const wait = codeBrake(c, session.accountId);
      if (wait > 0)
        return publicPage(
          c,
          "Set up your second factor",
          <p class="flash error">Too many wrong codes. Try again in {Math.ceil(wait / 60)} minutes.</p>,
          429,
        );
      let recoveryCodes: string[];
      try {
        recoveryCodes = services.secondFactors.confirmSetup(session.accountId, String(body["code"] ?? "").trim());
      } catch (error) {
        codes.failed(session.accountId);
        flash(c, (error as Error).message, "error");
        return c.redirect("/admin/second_factor/setup", 303);
      }
      codes.passed(session.accountId);
      services.staffSessions.passedSecondFactor(session.id);
      return publicPage(
        c,
        "Your recovery codes",
        <>
          <p>
            Your second factor is on. Keep these recovery codes somewhere safe: each signs you in once if you lose your device. They are not
            shown again.
          </p>
          <code class="codes" id="recovery-codes">
            {recoveryCodes.join("\n")}
          </code>
          <p>
            <a class="button" href="/admin">
              Continue to the console
            </a>
          </p>
        </>,
      );
    })
    .post("/sign_out", async (c) => {
      const services = c.get("services");
      const body = await c.req.parseBody();
      const session = currentSession(c);
      if (!csrfValid(c, body["csrf_token"])) return formExpiredPage(c);
      if (session) {
        services.staffSessions.end(session.id);
        services.audit.record({
          staffId: session.accountId,
          subjectId: session.accountId,
          action: "staff.sign_out",
          reason: "this session",
        });
      }
      clearStaffCookie(c);
      return c.redirect("/admin/sign_in", 303);
    });
}
