import countries from "i18n-iso-countries";
import de from "i18n-iso-countries/langs/de.json" with { type: "json" };
import en from "i18n-iso-countries/langs/en.json" with { type: "json" };
import es from "i18n-iso-countries/langs/es.json" with { type: "json" };
import fr from "i18n-iso-countries/langs/fr.json" with { type: "json" };
import it from "i18n-iso-countries/langs/it.json" with { type: "json" };
import nl from "i18n-iso-countries/langs/nl.json" with { type: "json" };
import pt from "i18n-iso-countries/langs/pt.json" with { type: "json" };
import { normalisePhrase } from "./named-after-people.ts";

/**
 * Places whose names look like a person's ("Costa Rica", "Sierra Leone",
 * "Serra Leoa", "Rio Grande"): a country's name in the network's languages
 * (from i18n-iso-countries, maintained upstream), or a first word that begins
 * places far more often than it is a given name.  A name finding that is one
 * of these is not a patient's: a town or country alone is no identifier here
 * (postcodes and street addresses are).
 */
const LOCALES = { de, en, es, fr, it, nl, pt };
for (const locale of Object.values(LOCALES)) countries.registerLocale(locale);

let countryNames: Set<string> | null = null;
function isCountry(text: string): boolean {
  countryNames ??= new Set(
    Object.keys(LOCALES).flatMap((language) =>
      Object.values(countries.getNames(language, { select: "all" }))
        .flat()
        .map((name) => name.toLowerCase()),
    ),
  );
  return countryNames.has(text.toLowerCase());
}

/** First words of places (rivers, ports, coasts, mountains, lakes, new towns), rarely given names. */
const PLACE_FIRST_WORDS = new Set(
  "Rio Río Porto Puerto Port Costa Sierra Serra Monte Mont Mount Val Valle Vale Lago Lake Cape Cabo Capo Bahia Bahía Nova Novo Nueva Nuevo New Fort Ciudad Villa Vila Castel Castello Castelo Bad Bergen Reggio Buenos Santa San Santo São Saint Sainte Sankt".split(
    " ",
  ),
);

/** Towns and airports with a person's shape that the rules above miss (a given name first, then no place word). */
const TOWNS_LIKE_NAMES = new Set([
  "santiago de compostela",
  "santiago de chile",
  "santiago de cuba",
  "belo horizonte",
  "juiz de fora",
  "campina grande",
  "mar del plata",
  "charles de gaulle",
  "la rochelle",
  "aix en provence",
]);

/** Whether a name found in the text is a place's: a country, a known town, or two words the first of which begins places. */
export function isPlaceName(found: string): boolean {
  const words = found.trim().split(/\s+/);
  // A country of one word is a given name as often ("Jordan", "Georgia", "Chad"): only names of two or more count.
  if ((words.length >= 2 && isCountry(found)) || TOWNS_LIKE_NAMES.has(normalisePhrase(found))) return true;
  return words.length >= 2 && PLACE_FIRST_WORDS.has(words[0]!);
}
