/**
 * The days of a month (1 to 31) as each language writes them before a month
 * name, cardinal and ordinal ("le vingt et un juin", "am dritten Mai", "il
 * dodici marzo", "op twaalf mei"). Built from the units and tens rather than
 * listed, so no day is left out.
 */

const compound = (tens: readonly [number, string][], units: readonly string[], join: (ten: string, unit: string, n: number) => string[]) =>
  tens.flatMap(([base, ten]) => [ten, ...units.slice(1, base === 30 ? 2 : 10).flatMap((unit, i) => join(ten, unit, i + 1))]);

const FR_UNITS = ["", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"];
export const FRENCH_DAYS = [
  "premier",
  "1er",
  ...FR_UNITS.slice(1),
  ...["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"],
  ...compound(
    [
      [20, "vingt"],
      [30, "trente"],
    ],
    FR_UNITS,
    (ten, unit, n) => (n === 1 ? [`${ten} et un`, `${ten}-et-un`] : [`${ten}-${unit}`, `${ten} ${unit}`]),
  ),
];

const DE_UNITS = ["", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"];
const DE_ORDINAL_1_19 = [
  "ersten",
  "zweiten",
  "dritten",
  "vierten",
  "fünften",
  "sechsten",
  "siebten",
  "achten",
  "neunten",
  "zehnten",
  "elften",
  "zwölften",
  "dreizehnten",
  "vierzehnten",
  "fünfzehnten",
  "sechzehnten",
  "siebzehnten",
  "achtzehnten",
  "neunzehnten",
];
const DE_ORDINAL_TENS = compound(
  [
    [20, "zwanzigsten"],
    [30, "dreißigsten"],
  ],
  DE_UNITS,
  (ten, unit) => [`${unit}und${ten}`],
);
// "am dritten Mai", "der dritte Mai", "zum ersten März"
export const GERMAN_DAYS = [...DE_ORDINAL_1_19, ...DE_ORDINAL_TENS].flatMap((w) => [w, w.replace(/n$/, "")]);

const ES_UNITS = ["", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"];
export const SPANISH_DAYS = [
  "primero",
  "1º",
  ...ES_UNITS.slice(1),
  ...["diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "dieciseis", "diecisiete", "dieciocho", "diecinueve", "veinte"],
  ...["veintiuno", "veintidós", "veintidos", "veintitrés", "veintitres", "veinticuatro", "veinticinco", "veintiséis", "veintiseis"],
  ...["veintisiete", "veintiocho", "veintinueve", "treinta", "treinta y uno", "treinta y un"],
];

export const ITALIAN_DAYS = [
  "primo",
  "1°",
  ...["uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici", "dodici", "tredici"],
  ...["quattordici", "quindici", "sedici", "diciassette", "diciotto", "diciannove", "venti", "ventuno", "ventidue", "ventitré", "ventitre"],
  ...["ventiquattro", "venticinque", "ventisei", "ventisette", "ventotto", "ventinove", "trenta", "trentuno"],
];

const PT_UNITS = ["", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"];
export const PORTUGUESE_DAYS = [
  "primeiro",
  "1º",
  ...PT_UNITS.slice(1),
  ...["dez", "onze", "doze", "treze", "catorze", "quatorze", "quinze", "dezesseis", "dezasseis", "dezessete", "dezassete"],
  ...["dezoito", "dezenove", "dezanove"],
  ...compound(
    [
      [20, "vinte"],
      [30, "trinta"],
    ],
    PT_UNITS,
    (ten, unit) => [`${ten} e ${unit}`],
  ),
];

const NL_UNITS = ["", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"];
const NL_CARDINALS = [
  ...NL_UNITS.slice(2),
  ...["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"],
  ...compound(
    [
      [20, "twintig"],
      [30, "dertig"],
    ],
    NL_UNITS,
    (ten, unit) => [`${unit}${/[ae]$/.test(unit) ? "ën" : "en"}${ten}`, `${unit}en${ten}`],
  ),
];
// Ordinals: eerste, derde, achtste; -de after most numbers, -ste after 1, 8 and from 20 ("twaalfde", "twintigste").
const nlOrdinal = (cardinal: string) =>
  cardinal === "drie" ? "derde" : /(?:acht|tig)$/.test(cardinal) ? `${cardinal}ste` : `${cardinal}de`;
// "een" alone is the article ("een mei" is not written); "één" with its accents is the number.
export const DUTCH_DAYS = [
  ...new Set(["eerste", "één", ...NL_CARDINALS, ...NL_CARDINALS.map(nlOrdinal), "eenentwintigste", "eenendertigste"]),
];
