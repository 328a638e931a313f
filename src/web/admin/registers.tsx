import { type Context, Hono } from "hono";
import { raw } from "hono/html";
import type { AppEnv } from "../../http/env.ts";
import { DomainError } from "../../domain/errors.ts";
import type { RegisterImportRow } from "../../domain/registers/imports.ts";
import { csrfToken } from "../../pages/session.ts";
import { staffOf } from "./auth.ts";
import { consolePage } from "./layout.tsx";

const SOURCE_LABEL: Record<string, string> = { "gmc-lrmp": "GMC LRMP (UK)", nppes: "NPPES (US)" };

function progressJson(row: RegisterImportRow) {
  return {
    id: row.id,
    state: row.state,
    source: row.source,
    total: row.total,
    processed: row.processed,
    imported: row.imported,
    matches_changed: row.matchesChanged,
    errors: JSON.parse(row.errors) as { line: number; reason: string }[],
    message: row.message,
  };
}

const Progress = ({ row }: { row: RegisterImportRow }) => {
  const p = progressJson(row);
  return (
    <section id="import-progress" data-state={row.state} data-poll={`/admin/registers/${row.id}/progress`} aria-live="polite">
      <p>
        <strong>{row.fileName || "Upload"}</strong> · {row.source ? SOURCE_LABEL[row.source] : "reading the file"} ·{" "}
        <span id="import-state">{row.state}</span>
      </p>
      <label for="bar">Progress</label>
      <progress id="bar" max={Math.max(p.total, 1)} value={p.processed}>
        {p.processed} of {p.total}
      </progress>
      <p>
        <span data-processed>{p.processed}</span> of <span data-total>{p.total}</span> entries
      </p>
      {row.state !== "running" && (
        <dl class="facts">
          <dt>Entries imported</dt>
          <dd id="imported">{p.imported}</dd>
          <dt>Lines skipped</dt>
          <dd id="skipped">{p.errors.length}</dd>
          <dt>Pending applications whose match changed</dt>
          <dd id="matches-changed">{p.matches_changed}</dd>
        </dl>
      )}
      {p.message && (
        <p class="flash error" role="alert">
          {p.message}
        </p>
      )}
      {p.errors.length > 0 && (
        <>
          <h2>Skipped lines</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {p.errors.slice(0, 200).map((e) => (
                <tr>
                  <td>{e.line}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
};

function requireImport(c: Context<AppEnv>): RegisterImportRow {
  const row = c.get("services").registerImports.get(c.req.param("id") ?? "");
  if (!row) throw new DomainError("not_found", "There is no such import");
  return row;
}

/** Register extracts: uploaded here, imported in the background, progress that survives a reload. */
export const registersConsoleRouter = new Hono<AppEnv>()
  .get("/registers", (c) => {
    const services = c.get("services");
    const counts = services.registers.counts();
    return consolePage(
      c,
      "Register imports",
      "/admin/registers",
      <>
        <p>
          Entries held:{" "}
          {Object.keys(counts).length === 0
            ? "none yet"
            : Object.entries(counts)
                .map(([s, n]) => `${SOURCE_LABEL[s] ?? s}: ${n}`)
                .join(", ")}
          . Names and licence numbers are kept sealed and as keyed hashes; re-importing an extract updates its entries.
        </p>
        <form method="post" action="/admin/registers" enctype="multipart/form-data" aria-label="Import a register extract">
          <input type="hidden" name="csrf_token" value={csrfToken(c)} />
          <label for="file">GMC LRMP or NPPES extract (CSV)</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required />
          <p>
            <button type="submit">Import</button>
          </p>
        </form>
        <h2>Recent imports</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">File</th>
              <th scope="col">Register</th>
              <th scope="col">State</th>
              <th scope="col">Entries</th>
              <th scope="col">Skipped lines</th>
              <th scope="col">Matches changed</th>
            </tr>
          </thead>
          <tbody>
            {services.registerImports.list().map((r) => (
              <tr>
                <td>
                  <a href={`/admin/registers/${r.id}`}>{r.createdAt.toISOString().slice(0, 16).replace("T", " ")}</a>
                </td>
                <td>{r.fileName}</td>
                <td>{r.source ? SOURCE_LABEL[r.source] : "—"}</td>
                <td>{r.state}</td>
                <td>
                  {r.processed} / {r.total}
                </td>
                <td>{JSON.parse(r.errors).length}</td>
                <td>{r.matchesChanged}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </>,
    );
  })
  .post("/registers", async (c) => {
    const body = await c.req.parseBody();
    const file = body["file"];
    if (!(file instanceof File) || file.size === 0) throw new DomainError("unprocessable", "Choose a CSV file to import");
    const row = c.get("services").registerImports.start(staffOf(c).id, file.name, await file.text());
    return c.redirect(`/admin/registers/${row.id}`, 303);
  })
  .get("/registers/:id{[0-9]+}/progress", (c) => c.json(progressJson(requireImport(c))))
  .get("/registers/:id{[0-9]+}", (c) => {
    const row = requireImport(c);
    return consolePage(
      c,
      "Register import",
      "/admin/registers",
      <>
        {/* Without JavaScript the page refreshes itself; with it, the script polls. */}
        {row.state === "running" && <noscript>{raw('<meta http-equiv="refresh" content="1">')}</noscript>}
        <Progress row={row} />
        <script src="/assets/register-progress.js" defer></script>
        <p>
          <a href="/admin/registers">All imports</a>
        </p>
      </>,
    );
  });
