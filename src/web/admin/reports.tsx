import { type Context, Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { ReportRow } from "../../domain/moderation/reports.ts";
import { htmlToText } from "../../domain/statuses/text.ts";
import { csrfToken } from "../../pages/session.ts";
import { flash, staffOf } from "./auth.ts";
import { consolePage, PostForm } from "./layout.tsx";
import { ActionForm } from "./moderation.tsx";

/** Who is named as reporting: a local pseudonym, or only the reporting instance. */
function reporterOf(c: Context<AppEnv>, report: ReportRow): string {
  if (report.origin) return `the instance ${new URL(report.origin).host}`;
  const account = report.accountId ? c.get("services").accounts.get(report.accountId) : undefined;
  return account ? `@${account.username}` : "a physician who has since left";
}

function targetOf(c: Context<AppEnv>, report: ReportRow): { label: string; href: string; remote: boolean } {
  const services = c.get("services");
  const local = services.accounts.get(report.targetAccountId);
  if (local) return { label: `@${local.username}`, href: `/admin/accounts/${local.id}`, remote: false };
  const remote = services.directory.findRemoteById(report.targetAccountId);
  return { label: remote ? `@${remote.username}@${remote.host}` : "(gone)", href: `/admin/remote/${report.targetAccountId}`, remote: true };
}

/** Reports from physicians here and from peers: triage, assignment, action, resolution. */
export const reportsConsoleRouter = new Hono<AppEnv>()
  .get("/reports", (c) => {
    const services = c.get("services");
    const resolved = c.req.query("resolved") === "1";
    const rows = services.reports.list({ resolved, limit: 200 });
    return consolePage(
      c,
      resolved ? "Resolved reports" : "Reports",
      "/admin/reports",
      <>
        <p>{resolved ? <a href="/admin/reports">Open reports</a> : <a href="/admin/reports?resolved=1">Resolved reports</a>}</p>
        {rows.length === 0 ? (
          <p>No {resolved ? "resolved" : "open"} reports.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Filed</th>
                <th scope="col">About</th>
                <th scope="col">By</th>
                <th scope="col">Category</th>
                <th scope="col">Comment</th>
                <th scope="col">Assigned</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const target = targetOf(c, r);
                const assigned = r.assignedAccountId ? services.accounts.get(r.assignedAccountId) : undefined;
                return (
                  <tr>
                    <td>
                      <a href={`/admin/reports/${r.id}`}>{r.createdAt.toISOString().slice(0, 16).replace("T", " ")}</a>
                    </td>
                    <td>{target.label}</td>
                    <td>{reporterOf(c, r)}</td>
                    <td>{r.category}</td>
                    <td>{r.comment.slice(0, 120)}</td>
                    <td>{assigned ? `@${assigned.username}` : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </>,
    );
  })
  .get("/reports/:id{[0-9]+}", (c) => {
    const services = c.get("services");
    const report = services.reports.require(c.req.param("id"));
    const csrf = csrfToken(c);
    const target = targetOf(c, report);
    const statuses = [...services.store.getMany(JSON.parse(report.statusIds) as string[]).values()];
    const rules = new Set(JSON.parse(report.ruleIds) as string[]);
    return consolePage(
      c,
      `Report about ${target.label}`,
      "/admin/reports",
      <>
        <dl class="facts">
          <dt>About</dt>
          <dd>
            <a href={target.href}>{target.label}</a>
          </dd>
          <dt>By</dt>
          <dd>{reporterOf(c, report)}</dd>
          <dt>Category</dt>
          <dd>{report.category}</dd>
          <dt>Rules</dt>
          <dd>
            {services.rules
              .list()
              .filter((r) => rules.has(String(r.id)))
              .map((r) => r.text)
              .join("; ") || "—"}
          </dd>
          <dt>Comment</dt>
          <dd>{report.comment || "—"}</dd>
          <dt>Forwarded to the peer</dt>
          <dd>{report.forwarded ? "yes (as the instance)" : "no"}</dd>
          <dt>State</dt>
          <dd>{report.actionTaken ? `resolved ${report.actionTakenAt?.toISOString().slice(0, 16).replace("T", " ")}` : "open"}</dd>
        </dl>
        <p>
          <PostForm
            action={`/admin/reports/${report.id}/${report.assignedAccountId === staffOf(c).id ? "unassign" : "assign_to_self"}`}
            csrf={csrf}
            inline
            label="Assignment"
          >
            <button type="submit" class="secondary">
              {report.assignedAccountId === staffOf(c).id ? "Unassign me" : "Assign to me"}
            </button>
          </PostForm>{" "}
          <PostForm
            action={`/admin/reports/${report.id}/${report.actionTaken ? "reopen" : "resolve"}`}
            csrf={csrf}
            inline
            label="Resolution"
          >
            <button type="submit" class="secondary">
              {report.actionTaken ? "Reopen" : "Resolve without action"}
            </button>
          </PostForm>
        </p>
        {statuses.length > 0 && (
          <>
            <h2>Reported posts</h2>
            {statuses.map((s) => (
              <article class="card">
                <p>{htmlToText(s.contentHtml).slice(0, 1000)}</p>
                <PostForm action={`/admin/reports/${report.id}/delete_status`} csrf={csrf} label="Remove the post">
                  <input type="hidden" name="status_id" value={s.id} />
                  <label for={`why-${s.id}`}>
                    Remove this post {s.local ? "everywhere" : "from this instance"}; reason the author reads
                  </label>
                  <input id={`why-${s.id}`} name="reason" required maxlength={2000} size={60} />{" "}
                  <button type="submit" class="danger">
                    Remove
                  </button>
                </PostForm>
              </article>
            ))}
          </>
        )}
        {!report.actionTaken && (
          <>
            <h2>Act on {target.label}</h2>
            <ActionForm accountId={report.targetAccountId} csrf={csrf} remote={target.remote} reportId={report.id} />
          </>
        )}
      </>,
    );
  })
  .post("/reports/:id{[0-9]+}/:action{assign_to_self|unassign|resolve|reopen}", (c) => {
    const services = c.get("services");
    const staff = staffOf(c);
    const id = c.req.param("id");
    const action = c.req.param("action");
    if (action === "assign_to_self") services.reports.assign(staff.id, id);
    else if (action === "unassign") services.reports.assign(staff.id, id, null);
    else if (action === "resolve") services.reports.resolve(staff.id, id);
    else services.reports.reopen(staff.id, id);
    flash(c, action === "resolve" ? "Resolved; the reporter is told it was handled." : "Done.");
    return c.redirect(`/admin/reports/${id}`, 303);
  })
  .post("/reports/:id{[0-9]+}/delete_status", async (c) => {
    const body = await c.req.parseBody();
    const id = c.req.param("id");
    await c.get("services").moderation.deleteStatus(staffOf(c).id, String(body["status_id"] ?? ""), String(body["reason"] ?? ""), id);
    flash(c, "The post was removed and the report resolved.");
    return c.redirect(`/admin/reports/${id}`, 303);
  });
