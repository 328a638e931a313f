import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { de, en, en_AU, en_CA, en_GB, en_IN, es, fr, it, nl, pt_BR, pt_PT } from "@faker-js/faker";

/**
 * Writes src/domain/phi/name-lists.json: given names and surnames of the
 * network's locales, merged from three maintained data sets (dev
 * dependencies: the guard reads the generated file, not them):
 * @faker-js/faker's and fakerator's locale data (given names and surnames),
 * gender-detection-from-name's national given-name lists (de, en, es, fr,
 * it: tens of thousands of registered first names), and faker-br's Brazilian
 * given names and surnames.  Run after upgrading any
 * of them: `npm run phi:names`.
 */
const require = createRequire(import.meta.url);
const given = new Set<string>();
/** Given names only the national given-name lists know (kept apart so a rule can ask for the common ones). */
const registered = new Set<string>();
const surnames = new Set<string>();
const usable = (name: string) => /^[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]{2,}$/.test(name);
/** "de Jong", "van den Berg", "Van der Meer": the surname after its particles, as it is capitalised after a comma or a given name. */
const PARTICLES = /^(?:(?:van|von|de|der|den|ter|ten|te|di|da|del|della|dos|das|du|le|la|'t)\s+)+/i;
const surnameWords = (name: string) => {
  const core = name.replace(PARTICLES, "");
  return core !== name && usable(core) ? [core] : usable(name) ? [name] : [];
};
const capitalise = (name: string) => name.replace(/(^|-)(\p{Ll})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());

const flat = (value: unknown): string[] =>
  Array.isArray(value)
    ? value
    : value && typeof value === "object"
      ? Object.values(value).flatMap(flat)
      : typeof value === "string"
        ? [value]
        : [];
for (const locale of [de, en, en_AU, en_CA, en_GB, en_IN, es, fr, it, nl, pt_BR, pt_PT]) {
  const person = (locale as { person?: Record<string, unknown> }).person ?? {};
  for (const name of flat(person["first_name"])) if (usable(name)) given.add(name);
  for (const name of flat(person["last_name"])) for (const word of surnameWords(name)) surnames.add(word);
}

const fakerator = require("fakerator") as (locale: string) => { locale?: { names?: Record<string, unknown> } };
for (const locale of [
  "default",
  "de-DE",
  "fr-FR",
  "es-ES",
  "it-IT",
  "pt-BR",
  "en-AU",
  "en-CA",
  "nb-NO",
  "sv-SE",
  "pl-PL",
  "cs-CZ",
  "hu-HU",
  "sk-SK",
]) {
  const names = fakerator(locale).locale?.names ?? {};
  for (const key of ["firstName", "firstNameM", "firstNameF"]) for (const name of flat(names[key])) if (usable(name)) given.add(name);
  for (const key of ["lastName", "lastNameM", "lastNameF"])
    for (const name of flat(names[key])) for (const word of surnameWords(name)) surnames.add(word);
}

for (const country of ["de", "en", "es", "fr", "it"]) {
  const names = require(`gender-detection-from-name/names/${country}.js`) as Map<string, string>;
  for (const name of names.keys()) {
    const cased = capitalise(name);
    if (usable(cased) && !given.has(cased)) registered.add(cased);
  }
}

// Brazil's given names as its registers spell them (Jussara, Valdir, Raimunda), which the others barely hold; and its surnames.
for (const file of ["first_name", "female_first_name", "male_first_name"]) {
  for (const name of require(`faker-br/lib/locales/pt_BR/name/${file}.js`) as string[])
    if (usable(name) && !given.has(name)) registered.add(name);
}
for (const name of require("faker-br/lib/locales/pt_BR/name/last_name.js") as string[])
  for (const word of surnameWords(name)) surnames.add(word);

const out = {
  source:
    "@faker-js/faker 10.6.0 person.first_name / last_name; fakerator 0.3.6 names; gender-detection-from-name 1.11.5 names; faker-br 0.5.0 pt_BR names",
  given: [...given].sort(),
  registered: [...registered].sort(),
  surnames: [...surnames].sort(),
};
writeFileSync(new URL("../src/domain/phi/name-lists.json", import.meta.url), `${JSON.stringify(out)}\n`);
console.log(`${given.size} given names (and ${registered.size} more from registers), ${surnames.size} surnames`);
