import type { Db } from "../db/client.ts";
import type { DomainEvents } from "./events.ts";
import { instanceSettings } from "../db/schema.ts";
import type { AuditLog } from "./audit.ts";
import { DomainError, validationFailed, type FieldErrors } from "./errors.ts";

export interface Settings {
  readonly name: string;
  readonly description: string;
  readonly contactEmail: string;
  readonly registrationsOpen: boolean;
  /** Every staff member must pass a second factor to open the console. */
  readonly staffSecondFactorRequired: boolean;
}

export const DEFAULT_DESCRIPTION =
  "A closed network of licence-verified, pseudonymous physicians discussing difficult cases. Membership requires a licence check by this instance's verifiers.";

const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

/**
 * What staff set from the console, over the defaults from the environment.
 * Read on every instance request, so kept in memory and written through.
 */
export class InstanceSettings {
  readonly #db: Db;
  readonly #audit: AuditLog;
  readonly #defaults: Settings;
  #current: Settings;
  readonly #events: DomainEvents;

  constructor(deps: { db: Db; audit: AuditLog; events: DomainEvents; defaults: Omit<Settings, "description"> & { description?: string } }) {
    this.#db = deps.db;
    this.#audit = deps.audit;
    this.#events = deps.events;
    this.#defaults = { description: DEFAULT_DESCRIPTION, ...deps.defaults };
    this.#current = this.#load();
    // A setting changed by another process (the CLI, another web node) reaches this one as an event.
    deps.events.subscribe(
      (event, from) => {
        if (event.type === "settings.changed" && from === "elsewhere") this.#current = this.#load();
      },
      { everyProcess: true },
    );
  }

  #load(): Settings {
    const stored = Object.fromEntries(
      this.#db
        .select()
        .from(instanceSettings)
        .all()
        .map((r) => [r.key, JSON.parse(r.value) as unknown]),
    );
    return { ...this.#defaults, ...stored } as Settings;
  }

  current(): Settings {
    return this.#current;
  }

  /** Applies a change from the console; every setting changed is audited. */
  update(staffId: string, change: Partial<Settings>, now = new Date()): Settings {
    const fields: FieldErrors = {};
    if (change.name !== undefined && (change.name.trim().length === 0 || change.name.length > 200))
      fields["name"] = [{ error: "ERR_INVALID", description: "must be 1 to 200 characters" }];
    if (change.description !== undefined && change.description.length > 2000)
      fields["description"] = [{ error: "ERR_TOO_LONG", description: "is too long (maximum is 2000 characters)" }];
    if (change.contactEmail !== undefined && !EMAIL.test(change.contactEmail.trim()))
      fields["contact_email"] = [{ error: "ERR_INVALID", description: "is not a valid e-mail address" }];
    if (Object.keys(fields).length > 0) throw validationFailed(fields);
    const next: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(change) as [keyof Settings, unknown][]) {
      if (value === undefined) continue;
      const clean = typeof value === "string" ? value.trim() : value;
      if (!(key in this.#defaults)) throw new DomainError("unprocessable", `Unknown setting ${key}`);
      if (clean === this.#current[key]) continue;
      next[key] = clean;
    }
    if (Object.keys(next).length === 0) return this.#current;
    this.#db.transaction((tx) => {
      for (const [key, value] of Object.entries(next)) {
        tx.insert(instanceSettings)
          .values({ key, value: JSON.stringify(value), updatedAt: now })
          .onConflictDoUpdate({ target: instanceSettings.key, set: { value: JSON.stringify(value), updatedAt: now } })
          .run();
        this.#audit.record({ staffId, subjectId: null, action: `settings.${key}`, reason: String(value).slice(0, 200) }, now);
      }
    });
    this.#current = this.#load();
    this.#events.emit({ type: "settings.changed" });
    return this.#current;
  }
}
