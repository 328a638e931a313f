import { readFileSync } from "node:fs";
import { findPhi } from "../src/domain/phi/guard.ts";

export interface PhiExample {
  /** ISO 639-1 (the multilingual corpus); absent in the English sets. */
  readonly lang?: string;
  readonly kind: string;
  readonly text: string;
  readonly expect: readonly string[];
}

export interface PhiMetrics {
  /** Per identifier type: how many examples carry it, and in how many the guard found it. */
  readonly recall: Record<string, { expected: number; found: number; recall: number }>;
  readonly clean: number;
  readonly cleanBlocked: number;
  readonly falseBlockRate: number;
}

export function readExamples(file: URL): PhiExample[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PhiExample);
}

/** Recall per identifier type (an example counts when its type is among the findings) and the share of clean texts blocked. */
export function phiMetrics(examples: readonly PhiExample[]): PhiMetrics {
  const recall: Record<string, { expected: number; found: number; recall: number }> = {};
  let clean = 0;
  let cleanBlocked = 0;
  for (const example of examples) {
    const found = new Set(findPhi(example.text).map((f) => f.type as string));
    if (example.expect.length === 0) {
      clean++;
      if (found.size > 0) cleanBlocked++;
      continue;
    }
    for (const type of example.expect) {
      const row = (recall[type] ??= { expected: 0, found: 0, recall: 0 });
      row.expected++;
      if (found.has(type)) row.found++;
      row.recall = row.found / row.expected;
    }
  }
  return { recall, clean, cleanBlocked, falseBlockRate: clean === 0 ? 0 : cleanBlocked / clean };
}

/** The README's table. */
export function metricsTable(metrics: PhiMetrics): string {
  const rows = Object.entries(metrics.recall)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, r]) => `| ${type} | ${r.expected} | ${r.found} | ${r.recall.toFixed(2)} |`);
  return [
    "| identifier type | texts | found | recall |",
    "|---|---|---|---|",
    ...rows,
    `| clean clinical texts blocked | ${metrics.clean} | ${metrics.cleanBlocked} | false block rate ${metrics.falseBlockRate.toFixed(2)} |`,
  ].join("\n");
}

/** Per language: identifiers found out of those expected (each type of each text once), and clean texts blocked. */
export function languageTable(examples: readonly PhiExample[]): string {
  const byLang = new Map<string, PhiExample[]>();
  for (const e of examples) byLang.set(e.lang ?? "en", [...(byLang.get(e.lang ?? "en") ?? []), e]);
  const rows = [...byLang.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([lang, list]) => {
      const m = phiMetrics(list);
      const expected = Object.values(m.recall).reduce((n, r) => n + r.expected, 0);
      const found = Object.values(m.recall).reduce((n, r) => n + r.found, 0);
      return `| ${lang} | ${list.length} | ${found}/${expected} | ${(expected ? found / expected : 1).toFixed(2)} | ${m.cleanBlocked} of ${m.clean} |`;
    });
  return ["| language | texts | identifiers found | recall | clean texts blocked |", "|---|---|---|---|---|", ...rows].join("\n");
}
