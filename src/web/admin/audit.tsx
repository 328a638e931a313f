import { type Context, Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { AuditFilter, AuditRow } from "../../domain/audit.ts";
import { consolePage, FilterSelect } from "./layout.tsx";
import { Pager, pageOf } from "./paging.tsx";

/** Handles for the ids in a page of entries (staff and subjects are shown by pseudonym). */
function handles(c: Context<AppEnv>, rows: readonly AuditRow[]): Map<string, string> {
  const accounts = c.get("services").accounts;
  const ids = new Set(rows.flatMap((r) => [r.staffId, r.subjectId]).filter((id): id is string => id != null));
  return new Map([...ids].map((id) => [id, accounts.get(id)?.username ?? id]));
}

/** The filter from the query: actor and subject by handle, action, and a date range (inclusive days). */
function filterOf(c: Context<AppEnv>): { filter: AuditFilter; query: Record<string, string> } {
  const q = c.req.query();
  const accounts = c.get("services").accounts;
  const byHandle = (value?: string) => (value ? (accounts.findByUsername(value.replace(/^@/, ""))?.id ?? "none") : undefined);
  const day = (value: string | undefined, offset: number) =>
    value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(Date.parse(`${value}T00:00:00Z`) + offset) : undefined;
  return {
    filter: {
      staffId: byHandle(q["actor"]),
      subjectId: byHandle(q["subject"]),
      action: q["action"] || undefined,
      from: day(q["from"], 0),
      until: day(q["to"], 86_400_000),
    },
    query: q,
  };
}

function csvCell(value: string): string {
  // Quoted, and never read as a formula by a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Every staff read of an identity and every decision: filterable, exportable as CSV. */
export const auditConsoleRouter = new Hono<AppEnv>()
  .get("/audit", (c) => {
    const services = c.get("services");
    const { filter, query } = filterOf(c);
    const page = pageOf(c, 100);
    const { rows, total } = services.audit.search(filter, page);
    const names = handles(c, rows);
    const exportUrl = `/admin/audit.csv${new URL(c.req.url).search}`;
    return consolePage(
      c,
      "Audit log",
      "/admin/audit",
      <>
        <form method="get" action="/admin/audit" class="filters" aria-label="Filter the audit log">
          <label>
            Actor (staff handle)
            <br />
            <input name="actor" value={query["actor"] ?? ""} size={14} />
          </label>
          <label>
            Subject (handle)
            <br />
            <input name="subject" value={query["subject"] ?? ""} size={14} />
          </label>
          <FilterSelect label="Action" name="action" options={services.audit.actions()} selected={filter.action} />
          <label>
            From
            <br />
            <input name="from" type="date" value={query["from"] ?? ""} />
          </label>
          <label>
            To
            <br />
            <input name="to" type="date" value={query["to"] ?? ""} />
          </label>
          <button type="submit" class="secondary">
            Filter
          </button>
          <a href={exportUrl}>Export as CSV</a>
        </form>
        <table>
          <caption class="muted">{total} entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Subject</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                <td>{r.staffId ? `@${names.get(r.staffId)}` : "system"}</td>
                <td>{r.action}</td>
                <td>{r.subjectId ? `@${names.get(r.subjectId)}` : "—"}</td>
                <td>{r.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager c={c} page={page} total={total} />
      </>,
    );
  })
  .get("/audit.csv", (c) => {
    const services = c.get("services");
    const { rows } = services.audit.search(filterOf(c).filter, { limit: Number.POSITIVE_INFINITY, offset: 0 });
    const names = handles(c, rows);
    const lines = [["time", "actor", "action", "subject", "reason"].join(",")];
    for (const r of rows) {
      // Handles without their "@": a leading @ is one of the characters a spreadsheet would take for a formula.
      lines.push(
        [
          r.createdAt.toISOString(),
          r.staffId ? (names.get(r.staffId) ?? r.staffId) : "system",
          r.action,
          r.subjectId ? (names.get(r.subjectId) ?? "") : "",
          r.reason,
        ]
          .map(csvCell)
          .join(","),
      );
    }
    services.audit.record({
      staffId: c.get("staff")!.account.id,
      subjectId: null,
      action: "audit.export",
      reason: `${rows.length} entries`,
    });
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    c.header("Cache-Control", "no-store");
    return c.body(`${lines.join("\r\n")}\r\n`);
  });
