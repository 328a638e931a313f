import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { registerEntries } from "../../db/schema.ts";
import type { Keyring } from "../crypto/keyring.ts";
import { open, seal } from "../crypto/sealed-box.ts";
import { nameTokens } from "../identity/names.ts";
import { classify, namesAgree, normaliseLicence, type RegisterMatch } from "./matching.ts";
import { parseRegisterCsv, type RegisterRow } from "./layouts.ts";

interface SealedEntry {
  reference: string;
  surname: string;
  givenNames: string;
  registrationStatus: string;
}

interface NameHashes {
  surname: string[];
  given: string[];
}

export interface ImportResult {
  readonly source: "gmc-lrmp" | "nppes";
  readonly imported: number;
  readonly skipped: { line: number; reason: string }[];
}

export interface Applicant {
  readonly legalName: string;
  readonly licenseNumber: string;
  readonly licenseJurisdiction: string;
}

/**
 * Register extracts and matching against them.  Names and licence numbers
 * are stored as keyed hashes for matching, and sealed for the reviewer.
 */
export class RegisterService {
  readonly #db: Db;
  readonly #keyring: Keyring;
  constructor(db: Db, keyring: Keyring) {
    this.#db = db;
    this.#keyring = keyring;
  }

  #hash(kind: string, value: string): string {
    return this.#keyring.lookupHash(`register-${kind}`, value);
  }

  /** Imports a whole extract in one transaction: a bad file writes nothing. */
  import(csv: string, now = new Date()): ImportResult {
    const parsed = parseRegisterCsv(csv);
    this.insertRows(parsed.rows, now);
    return { source: parsed.source, imported: parsed.rows.length, skipped: parsed.skipped };
  }

  /** Stores (or updates) entries of a parsed extract, in one transaction. */
  insertRows(rows: readonly RegisterRow[], now = new Date()): void {
    this.#db.transaction((tx) => {
      for (const row of rows) {
        const names: NameHashes = {
          surname: nameTokens(row.surname).map((t) => this.#hash("name", t)),
          given: nameTokens(row.givenNames).map((t) => this.#hash("name", t)),
        };
        const sealedEntry: SealedEntry = {
          reference: row.reference,
          surname: row.surname,
          givenNames: row.givenNames,
          registrationStatus: row.registrationStatus,
        };
        const values = {
          source: row.source,
          jurisdiction: row.jurisdiction,
          licenceHmac: this.#hash("licence", `${row.jurisdiction}:${normaliseLicence(row.licenseNumber)}`),
          surnameHmac: names.surname[0] ?? "",
          nameHmacs: JSON.stringify(names),
          active: row.active,
          specialty: row.specialty,
          sealed: "",
          importedAt: now,
        };
        const sealed = seal(this.#keyring.vaultKey, `register:${values.licenceHmac}`, JSON.stringify(sealedEntry));
        tx.insert(registerEntries)
          .values({ ...values, sealed })
          .onConflictDoUpdate({
            target: [registerEntries.source, registerEntries.jurisdiction, registerEntries.licenceHmac],
            set: { ...values, sealed },
          })
          .run();
      }
    });
  }

  /** Entries held, by source. */
  counts(): Record<string, number> {
    const rows = this.#db.all<{ source: string; n: number }>(sql`SELECT source, count(*) AS n FROM register_entries GROUP BY source`);
    return Object.fromEntries(rows.map((r) => [r.source, r.n]));
  }

  match(applicant: Applicant, now = new Date()): RegisterMatch {
    const jurisdiction = applicant.licenseJurisdiction.toUpperCase();
    const tokens = new Set(nameTokens(applicant.legalName).map((t) => this.#hash("name", t)));
    const licenceHmac = this.#hash("licence", `${jurisdiction}:${normaliseLicence(applicant.licenseNumber)}`);
    const byLicence = this.#db
      .select()
      .from(registerEntries)
      .where(and(eq(registerEntries.jurisdiction, jurisdiction), eq(registerEntries.licenceHmac, licenceHmac)))
      .all();
    const byName =
      tokens.size === 0
        ? []
        : this.#db
            .select()
            .from(registerEntries)
            .where(and(eq(registerEntries.jurisdiction, jurisdiction), inArray(registerEntries.surnameHmac, [...tokens])))
            .all();
    type Row = (typeof byLicence)[number];
    const nameAgrees = (row: Row) => {
      const names = JSON.parse(row.nameHmacs) as NameHashes;
      return namesAgree(tokens, names.surname, names.given);
    };
    const candidates: { row: Row; licence: boolean; name: boolean }[] = [
      ...byLicence.map((row) => ({ row, licence: true, name: nameAgrees(row) })),
      ...byName.filter((row) => row.licenceHmac !== licenceHmac && nameAgrees(row)).map((row) => ({ row, licence: false, name: true })),
    ];
    const rank = { exact: 3, inactive: 2, partial: 1, none: 0 } as const;
    let best: RegisterMatch = { status: "none", matchedOn: [], checkedAt: now.toISOString() };
    for (const c of candidates) {
      const status = classify(c.licence, c.name, c.row.active);
      if (rank[status] <= rank[best.status]) continue;
      const entry = JSON.parse(open(this.#keyring.vaultKey, `register:${c.row.licenceHmac}`, c.row.sealed)) as SealedEntry;
      best = {
        status,
        matchedOn: [...(c.licence ? (["licence"] as const) : []), ...(c.name ? (["name"] as const) : [])],
        checkedAt: now.toISOString(),
        entry: {
          source: c.row.source,
          reference: entry.reference,
          name: `${entry.givenNames} ${entry.surname}`.trim(),
          registrationStatus: entry.registrationStatus,
          specialty: c.row.specialty,
        },
      };
    }
    return best;
  }
}
