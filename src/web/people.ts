import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import type { AppEnv } from "../http/env.ts";
import type { AccountRow } from "../domain/accounts/types.ts";
import type { CaseRecord } from "../domain/statuses/case.ts";
import type { StatusRow } from "../domain/statuses/types.ts";
import { page } from "../pages/layout.ts";
import { csrfValid, endSession, sessionAccountId } from "../pages/session.ts";
import { safeReturn, signInForm } from "../pages/sign-in-page.ts";
import { renderableLink } from "../domain/urls.ts";

/** The signed-in, approved account, or a redirect to sign in (a stranger never gets content). */
async function viewer(c: Context<AppEnv>): Promise<AccountRow | Response> {
  // Pages are for browsers; an ActivityPub or API client asking here finds nothing.
  if (!/text\/html|\*\/\*/.test(c.req.header("accept") ?? "") || /activity\+json|ld\+json/.test(c.req.header("accept") ?? "")) {
    return c.json({ error: "Record not found" }, 404);
  }
  const id = await sessionAccountId(c);
  const account = id ? c.get("services").accounts.get(id) : undefined;
  if (account?.status === "approved") return account;
  const here = new URL(c.req.url);
  return c.redirect(`/auth/sign_in?return_to=${encodeURIComponent(here.pathname + here.search)}`, 302);
}

function notFound(c: Context<AppEnv>) {
  return c.html(page("Not found", c.get("services").instance.name, html`<p>There is nothing here you may see.</p>`), 404);
}

function statusBlock(c: Context<AppEnv>, status: StatusRow) {
  const services = c.get("services");
  const author = services.directory.get(status.accountId);
  const record = status.caseData ? (JSON.parse(status.caseData) as CaseRecord) : null;
  const local = author?.local ? `/users/${author.username}` : (renderableLink(author?.url) ?? "#");
  return html`<article>
<p><a href="${local}">${author?.displayName || author?.username}</a> <span class="note">@${author?.local ? author.username : `${author?.username}@${author?.host}`} · <time datetime="${status.createdAt.toISOString()}">${status.createdAt.toISOString().slice(0, 16).replace("T", " ")}</time></span></p>
${status.spoilerText ? html`<p><strong>${status.spoilerText}</strong></p>` : ""}
${record ? html`<p class="note">Case · ${record.status}</p>` : ""}
<div>${raw(status.contentHtml)}</div>
</article>`;
}

/**
 * The browser URLs of people and posts (an account's or status's `url`,
 * WebFinger's profile page): a minimal page for a signed-in member of this
 * instance, by the same visibility rules as the API; a sign-in page for
 * anyone else.  Sanitised HTML only (our own rendering, or a peer's content
 * as sanitised on receipt); everything else is escaped.
 */
export const peopleRouter = new Hono<AppEnv>()
  .get("/auth/sign_in", async (c) => {
    const returnTo = safeReturn(c.req.query("return_to"));
    const id = await sessionAccountId(c);
    if (id && c.get("services").accounts.get(id)?.status === "approved") return c.redirect(returnTo, 302);
    return c.html(signInForm(c, returnTo));
  })
  .post("/auth/sign_out", async (c) => {
    const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
    if (!csrfValid(c, params["csrf_token"]))
      return c.html(page("Sign out", c.get("services").instance.name, html`<p class="error">The form expired.</p>`), 403);
    endSession(c);
    return c.redirect("/auth/sign_in", 303);
  })
  .get("/users/:handle", async (c) => {
    const me = await viewer(c);
    if (me instanceof Response) return me;
    const services = c.get("services");
    const view = services.directory.byUri(`${services.instance.origin}/users/${c.req.param("handle")}`);
    if (!view || services.visibility.hiddenFrom(me.id).has(view.id)) return notFound(c);
    const posts = services.timelines.accountStatuses(me.id, view.id, { excludeReblogs: true }, { limit: 20 });
    return c.html(
      page(
        view.displayName || view.username,
        services.instance.name,
        html`<p class="note">@${view.username}${view.verified ? " · verified physician" : ""}</p>
<div>${raw(view.noteHtml)}</div>
<dl>${view.fields.map((f) => html`<dt>${f.name}</dt><dd>${raw(f.value)}</dd>`)}</dl>
${posts.map((p) => statusBlock(c, p))}`,
      ),
    );
  })
  .get("/users/:handle/:kind{statuses|cases|polls}/:id", async (c) => {
    const me = await viewer(c);
    if (me instanceof Response) return me;
    const services = c.get("services");
    const status = services.store.get(c.req.param("id"));
    const author = status ? services.directory.get(status.accountId) : undefined;
    if (
      !status ||
      !author?.local ||
      author.username.toLowerCase() !== c.req.param("handle").toLowerCase() ||
      !services.visibility.canSee(me.id, status)
    )
      return notFound(c);
    const { descendants } = services.timelines.context(me.id, status.id);
    return c.html(
      page(
        "Post",
        services.instance.name,
        html`${statusBlock(c, status)}${descendants.length ? html`<h2>Replies</h2>${descendants.map((d) => statusBlock(c, d))}` : ""}`,
      ),
    );
  })
  .get("/tags/:name", async (c) => {
    const me = await viewer(c);
    if (me instanceof Response) return me;
    const services = c.get("services");
    const tag = c.req.param("name").toLowerCase();
    const posts = services.timelines.tagTimeline(me.id, tag, {}, { limit: 20 });
    return c.html(
      page(
        `#${tag}`,
        services.instance.name,
        html`${posts.length === 0 ? html`<p class="note">No posts yet.</p>` : posts.map((p) => statusBlock(c, p))}`,
      ),
    );
  });
