import type { Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../http/env.ts";
import { errorList, page } from "./layout.ts";
import { csrfToken, csrfValid, startSession } from "./session.ts";
import type { PasswordSignIn } from "./sign-in.ts";

/** The sign-in page and its form's handling, shared by the web pages and the OAuth authorisation pages. */

/** Only a path on this server is a place to return to (never another site). */
export function safeReturn(value: unknown): string {
  return typeof value === "string" && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : "/";
}

export function signInForm(c: Context<AppEnv>, returnTo: string, errors: string[] = []) {
  return page(
    "Sign in",
    c.get("services").instance.name,
    html`${errorList(errors)}
<form method="post" action="/auth/sign_in">
<input type="hidden" name="csrf_token" value="${csrfToken(c)}">
<input type="hidden" name="return_to" value="${returnTo}">
<label for="email">E-mail</label><input id="email" name="email" type="email" required autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" required autocomplete="current-password">
<button type="submit">Sign in</button>
</form><p class="note">Not a member yet? <a href="/apply">Apply to join</a>.</p>`,
  );
}

/** The plain web sign-in (no OAuth request): a session cookie, then back to the page asked for. */
export async function webSignIn(c: Context<AppEnv>, params: Record<string, unknown>, signIn: PasswordSignIn) {
  const returnTo = safeReturn(params["return_to"]);
  if (!csrfValid(c, params["csrf_token"])) return c.html(signInForm(c, returnTo, ["The form expired; please sign in again."]), 403);
  const result = await signIn.attempt(
    c,
    typeof params["email"] === "string" ? params["email"] : "",
    typeof params["password"] === "string" ? params["password"] : "",
  );
  if (!result.ok) {
    if (result.retryAfter) c.header("Retry-After", String(result.retryAfter));
    return c.html(signInForm(c, returnTo, [result.message]), result.status);
  }
  await startSession(c, result.account.id);
  return c.redirect(returnTo, 303);
}
