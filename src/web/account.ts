import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../http/env.ts";
import { exportJson } from "../render/export-json.ts";
import type { AccountRow } from "../domain/accounts/types.ts";
import { DomainError } from "../domain/errors.ts";
import { errorList, page } from "../pages/layout.ts";
import { csrfToken, csrfValid, endSession, sessionAccountId } from "../pages/session.ts";

const ACTION_TEXT: Record<string, string> = {
  none: "A warning",
  sensitive: "Your media marked sensitive",
  disable: "Sign-in disabled",
  silence: "Your account limited to your followers",
  suspend: "Your account suspended",
  delete_statuses: "A post removed",
};

/** The signed-in physician (approved or suspended: a suspended one may still appeal, export and leave). */
async function owner(c: Context<AppEnv>): Promise<AccountRow | Response> {
  const id = await sessionAccountId(c);
  const account = id ? c.get("services").accounts.get(id) : undefined;
  if (account && !account.deletedAt && account.role === "physician" && (account.status === "approved" || account.status === "suspended"))
    return account;
  return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent("/account")}`, 302);
}

function accountPage(c: Context<AppEnv>, account: AccountRow, notes: string[] = [], status: 200 | 403 | 422 | 429 = 200) {
  const services = c.get("services");
  const csrf = csrfToken(c);
  const archive = exportJson(services.exports.latest(account.id), services);
  const warnings = services.moderation.warnings(account.id);
  c.header("Cache-Control", "no-store");
  return c.html(
    page(
      "Your account",
      services.instance.name,
      html`${errorList(notes)}
<p>Signed in as <strong>@${account.username}</strong>${account.status === "suspended" ? html` (suspended)` : ""}.</p>
<h2>Decisions about your account</h2>
${
  warnings.length === 0
    ? html`<p class="note">None.</p>`
    : html`<ol id="warnings">${warnings.map(
        (w) => html`<li><strong>${ACTION_TEXT[w.action] ?? w.action}</strong>, ${w.createdAt.toISOString().slice(0, 10)}: ${w.text}
${
  w.appealedAt
    ? html`<p class="note">Your appeal (${w.appealState}): ${w.appealText}</p>`
    : w.action === "none"
      ? ""
      : html`<form method="post" action="/account/appeal/${w.id}"><input type="hidden" name="csrf_token" value="${csrf}">
<label for="appeal-${w.id}">Appeal (once)</label><textarea id="appeal-${w.id}" name="text" required maxlength="2000"></textarea><button type="submit">Send the appeal</button></form>`
}</li>`,
      )}</ol>`
}
<h2>Your data</h2>
<p>An archive of your posts, your likes and bookmarks (as addresses), your profile and your media, in Mastodon's format (actor.json, outbox.json, likes.json, bookmarks.json, media_attachments/). Nothing of anyone else's.</p>
${
  archive.state === "done"
    ? html`<p id="archive">Ready: <a href="${archive.url}">download the archive</a> (${Math.round((archive.size ?? 0) / 1024)} KB; the link works until ${archive.expires_at?.slice(0, 10)}).</p>`
    : archive.state === "running"
      ? html`<p id="archive">Your archive is being built; reload this page in a moment.</p>`
      : ""
}
<form method="post" action="/account/export"><input type="hidden" name="csrf_token" value="${csrf}"><button type="submit">Request an archive</button></form>
<h2>Leave</h2>
<p>Deleting your account removes your posts here and on every instance this one federates with, your follows, likes, lists and filters, and your identity as the verifiers knew it. Your handle stays reserved so no one can take it. This cannot be undone.</p>
<form method="post" action="/account/delete"><input type="hidden" name="csrf_token" value="${csrf}">
<label for="password">Your password</label><input id="password" name="password" type="password" required autocomplete="current-password">
<label><input type="checkbox" name="confirm" value="1" required> I understand this cannot be undone</label>
<button type="submit">Delete my account</button></form>`,
    ),
    status,
  );
}

/** A physician's own account page: decisions and appeals, the archive, leaving. */
export const accountPageRouter = new Hono<AppEnv>()
  .get("/", async (c) => {
    const account = await owner(c);
    return account instanceof Response ? account : accountPage(c, account);
  })
  .post("/:action{export|delete}", async (c) => {
    const account = await owner(c);
    if (account instanceof Response) return account;
    const body = await c.req.parseBody();
    if (!csrfValid(c, body["csrf_token"])) return accountPage(c, account, ["The form expired; please try again."], 403);
    const services = c.get("services");
    try {
      if (c.req.param("action") === "export") {
        services.exports.request(account);
        return c.redirect("/account", 303);
      }
      if (body["confirm"] !== "1") return accountPage(c, account, ["Tick the box to confirm."], 422);
      await services.erasure.deleteOwn(account.id, String(body["password"] ?? ""));
    } catch (error) {
      if (error instanceof DomainError)
        return accountPage(c, account, [error.message], error.kind === "rate_limited" ? 429 : error.kind === "forbidden" ? 403 : 422);
      throw error;
    }
    endSession(c);
    return c.html(
      page(
        "Account deleted",
        services.instance.name,
        html`<p>Your account is deleted here, and every instance this one federates with has been told to remove it.</p>`,
      ),
    );
  })
  .post("/appeal/:id{[0-9]+}", async (c) => {
    const account = await owner(c);
    if (account instanceof Response) return account;
    const body = await c.req.parseBody();
    if (!csrfValid(c, body["csrf_token"])) return accountPage(c, account, ["The form expired; please try again."], 403);
    try {
      c.get("services").moderation.appeal(account.id, c.req.param("id"), String(body["text"] ?? ""));
    } catch (error) {
      if (error instanceof DomainError) return accountPage(c, account, [error.message], 422);
      throw error;
    }
    return c.redirect("/account", 303);
  });
