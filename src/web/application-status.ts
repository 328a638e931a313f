import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../http/env.ts";
import { DomainError } from "../domain/errors.ts";
import { errorList, page } from "../pages/layout.ts";
import { csrfToken, csrfValid, endSession, sessionAccountId, startSession } from "../pages/session.ts";
import type { PasswordSignIn } from "../pages/sign-in.ts";

const STATUS_TEXT: Record<string, string> = {
  pending: "pending: a verifier will check your licence against the register.",
  approved: "approved. Sign in from any Mastodon app with your e-mail and password.",
  rejected: "not approved.",
  suspended: "suspended.",
};

function signInForm(c: Context<AppEnv>, errors: string[] = [], status: 200 | 401 | 403 | 429 = 200) {
  return c.html(
    page(
      "Your application",
      c.get("services").instance.name,
      html`${errorList(errors)}
<p>Sign in with the e-mail and password you applied with to see where your application stands, and any question from the verifiers.</p>
<form method="post" action="/apply/status">
<input type="hidden" name="csrf_token" value="${csrfToken(c)}">
<label for="email">E-mail</label><input id="email" name="email" type="email" required autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" required autocomplete="current-password">
<button type="submit">See my application</button>
</form>`,
    ),
    status,
  );
}

/** The applicant's own page: status, the verifiers' questions and reasons, and a reply box when asked. */
function statusPage(c: Context<AppEnv>, accountId: string, errors: string[] = [], status: 200 | 403 | 422 = 200) {
  const services = c.get("services");
  const account = services.accounts.require(accountId);
  const messages = services.review.applicationMessages(account.id);
  const asked = account.status === "pending" && account.awaiting === "applicant";
  c.header("Cache-Control", "no-store");
  return c.html(
    page(
      "Your application",
      services.instance.name,
      html`${errorList(errors)}
<p>Application <strong>@${account.username}</strong> is <strong id="application-status">${STATUS_TEXT[account.status] ?? account.status}</strong></p>
${asked ? html`<p class="error" role="alert">A verifier needs more information from you; please answer below.</p>` : ""}
${
  messages.length > 0
    ? html`<h2>Messages</h2><ol id="application-messages">${messages.map(
        (m) =>
          html`<li><span class="note">${m.at.slice(0, 16).replace("T", " ")} · ${m.from === "verifier" ? (m.kind === "reject" ? "Reason from the verifiers" : "Question from the verifiers") : "Your answer"}</span><br>${m.text}</li>`,
      )}</ol>`
    : ""
}
${
  asked
    ? html`<form method="post" action="/apply/status/answer">
<input type="hidden" name="csrf_token" value="${csrfToken(c)}">
<label for="answer">Your answer</label><textarea id="answer" name="message" required maxlength="1000"></textarea>
<button type="submit">Send to the verifiers</button>
</form>`
    : ""
}
<form method="post" action="/auth/sign_out"><input type="hidden" name="csrf_token" value="${csrfToken(c)}"><button type="submit">Sign out</button></form>`,
    ),
    status,
  );
}

/**
 * Where an applicant learns what the verifiers decided or asked, without
 * e-mail: signed in with the credentials they applied with.
 */
export function applicationStatusRouter(signIn: PasswordSignIn) {
  return new Hono<AppEnv>()
    .get("/status", async (c) => {
      const id = await sessionAccountId(c);
      if (!id || !c.get("services").accounts.get(id)) return signInForm(c);
      return statusPage(c, id);
    })
    .post("/status", async (c) => {
      const body = await c.req.parseBody();
      if (!csrfValid(c, body["csrf_token"])) return signInForm(c, ["The form expired; please sign in again."], 403);
      const result = await signIn.attempt(c, String(body["email"] ?? ""), String(body["password"] ?? ""));
      if (!result.ok) {
        if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
        endSession(c);
        return signInForm(c, [result.message], result.status);
      }
      await startSession(c, result.account.id);
      return c.redirect("/apply/status", 303);
    })
    .post("/status/answer", async (c) => {
      const id = await sessionAccountId(c);
      if (!id) return c.redirect("/apply/status", 303);
      const body = await c.req.parseBody();
      if (!csrfValid(c, body["csrf_token"])) return statusPage(c, id, ["The form expired; please send it again."], 403);
      try {
        c.get("services").review.provideInformation(id, String(body["message"] ?? ""));
      } catch (error) {
        if (error instanceof DomainError) return statusPage(c, id, [error.message], 422);
        throw error;
      }
      return c.redirect("/apply/status", 303);
    });
}
