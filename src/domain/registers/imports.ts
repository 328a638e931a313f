import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { registerImports } from "../../db/schema.ts";
import type { AccountReview } from "../accounts/review.ts";
import type { AuditLog } from "../audit.ts";
import { DomainError } from "../errors.ts";
import { newId } from "../ids.ts";
import { parseRegisterCsv } from "./layouts.ts";
import type { RegisterService } from "./service.ts";

export type RegisterImportRow = typeof registerImports.$inferSelect;

const CHUNK = 500;
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Register extracts imported in the background, in chunks, with progress a
 * page can poll: total, processed, skipped lines with their numbers, and how
 * many pending applications changed match once it is in.  An import cut off
 * by a restart is marked interrupted (upload it again: entries are upserts).
 */
export class RegisterImports {
  readonly #db: Db;
  readonly #registers: RegisterService;
  readonly #review: AccountReview;
  readonly #audit: AuditLog;
  readonly #running = new Map<string, Promise<void>>();

  constructor(deps: { db: Db; registers: RegisterService; review: AccountReview; audit: AuditLog }) {
    this.#db = deps.db;
    this.#registers = deps.registers;
    this.#review = deps.review;
    this.#audit = deps.audit;
    this.#db
      .update(registerImports)
      .set({ state: "interrupted", message: "The server restarted during the import; upload the file again", finishedAt: new Date() })
      .where(eq(registerImports.state, "running"))
      .run();
  }

  get(id: string): RegisterImportRow | undefined {
    return this.#db.select().from(registerImports).where(eq(registerImports.id, id)).get();
  }

  list(limit = 20): RegisterImportRow[] {
    return this.#db.select().from(registerImports).orderBy(desc(registerImports.id)).limit(limit).all();
  }

  /** Starts an import and returns at once; `finished(id)` resolves when it is done. */
  start(staffId: string, fileName: string, csv: string, now = new Date()): RegisterImportRow {
    if (csv.trim() === "") throw new DomainError("unprocessable", "The file is empty");
    const row = this.#db
      .insert(registerImports)
      .values({ id: newId(now.getTime()), fileName: fileName.slice(0, 200), state: "running", startedBy: staffId, createdAt: now })
      .returning()
      .get();
    this.#running.set(
      row.id,
      this.#run(row.id, staffId, csv).finally(() => this.#running.delete(row.id)),
    );
    return row;
  }

  finished(id: string): Promise<void> {
    return this.#running.get(id) ?? Promise.resolve();
  }

  #update(id: string, values: Partial<RegisterImportRow>): void {
    this.#db.update(registerImports).set(values).where(eq(registerImports.id, id)).run();
  }

  async #run(id: string, staffId: string, csv: string): Promise<void> {
    await yieldToRequests();
    try {
      const parsed = parseRegisterCsv(csv);
      this.#update(id, { source: parsed.source, total: parsed.rows.length, errors: JSON.stringify(parsed.skipped.slice(0, 1000)) });
      for (let i = 0; i < parsed.rows.length; i += CHUNK) {
        const chunk = parsed.rows.slice(i, i + CHUNK);
        this.#registers.insertRows(chunk);
        this.#update(id, { processed: i + chunk.length, imported: i + chunk.length });
        await yieldToRequests();
      }
      const matchesChanged = this.#review.rematchPending();
      this.#update(id, { state: "done", matchesChanged, finishedAt: new Date() });
      this.#audit.record({
        staffId,
        subjectId: null,
        action: "register.import",
        reason: `${parsed.source}: ${parsed.rows.length} entries, ${parsed.skipped.length} skipped, ${matchesChanged} matches changed`,
      });
    } catch (error) {
      const message = error instanceof DomainError ? error.message : "The import failed";
      this.#update(id, { state: "failed", message, finishedAt: new Date() });
      this.#audit.record({ staffId, subjectId: null, action: "register.import_failed", reason: message.slice(0, 200) });
    }
  }
}
