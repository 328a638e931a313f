import { writeFileSync } from "node:fs";
import { de, en, en_AU, en_CA, en_GB, en_IN, es, fr, it, nl, pt_BR, pt_PT } from "@faker-js/faker";

/**
 * Writes src/domain/phi/name-lists.json: given names and surnames of the
 * network's locales, from @faker-js/faker's maintained locale data (a dev
 * dependency: the guard reads the generated file, not faker).  Run after
 * upgrading faker: `npm run phi:names`.
 */
const locales = { de, en, en_AU, en_CA, en_GB, en_IN, es, fr, it, nl, pt_BR, pt_PT };
const flat = (value: unknown): string[] =>
  Array.isArray(value)
    ? value
    : value && typeof value === "object"
      ? Object.values(value).flatMap(flat)
      : typeof value === "string"
        ? [value]
        : [];
const given = new Set<string>();
const surnames = new Set<string>();
const usable = (name: string) => /^[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]{2,}$/.test(name);
for (const locale of Object.values(locales)) {
  const person = (locale as { person?: Record<string, unknown> }).person ?? {};
  for (const name of flat(person["first_name"])) if (usable(name)) given.add(name);
  for (const name of flat(person["last_name"])) if (usable(name)) surnames.add(name);
}
const out = {
  source: "@faker-js/faker 10.6.0 person.first_name / person.last_name",
  given: [...given].sort(),
  surnames: [...surnames].sort(),
};
writeFileSync(new URL("../src/domain/phi/name-lists.json", import.meta.url), `${JSON.stringify(out)}\n`);
console.log(`${given.size} given names, ${surnames.size} surnames`);
