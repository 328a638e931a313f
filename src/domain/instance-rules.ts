import { asc, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { instanceRules } from "../db/schema.ts";
import { DomainError } from "./errors.ts";

export type RuleRow = typeof instanceRules.$inferSelect;

/** The rules of the instance, as staff write them; shown by the instance endpoints. */
export class InstanceRules {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  list(): RuleRow[] {
    return this.#db.select().from(instanceRules).orderBy(asc(instanceRules.position), asc(instanceRules.id)).all();
  }

  add(text: string, hint = "", now = new Date()): RuleRow {
    if (!text.trim()) throw new DomainError("unprocessable", "Validation failed: a rule needs text");
    const position = this.list().length;
    return this.#db
      .insert(instanceRules)
      .values({ text: text.trim().slice(0, 1000), hint: hint.trim().slice(0, 1000), position, createdAt: now })
      .returning()
      .get();
  }

  update(id: number, change: { text?: string; hint?: string }): RuleRow {
    if (change.text !== undefined && !change.text.trim()) throw new DomainError("unprocessable", "Validation failed: a rule needs text");
    const row = this.#db
      .update(instanceRules)
      .set({
        ...(change.text !== undefined ? { text: change.text.trim().slice(0, 1000) } : {}),
        ...(change.hint !== undefined ? { hint: change.hint.trim().slice(0, 1000) } : {}),
      })
      .where(eq(instanceRules.id, id))
      .returning()
      .get();
    if (!row) throw new DomainError("not_found", "Record not found");
    return row;
  }

  remove(id: number): void {
    if (this.#db.delete(instanceRules).where(eq(instanceRules.id, id)).run().changes === 0)
      throw new DomainError("not_found", "Record not found");
  }
}
