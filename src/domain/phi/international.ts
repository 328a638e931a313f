import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { WORD_END, WORD_START } from "./languages.ts";

/**
 * Phone numbers, postcodes, street addresses and vehicle plates as the
 * network's other countries write them.  Phone numbers are judged by
 * libphonenumber-js (every country's numbering plan, maintained upstream)
 * rather than by shapes of our own; the rest are each country's formats with
 * the words that go with them, so a dose or a lab value is not taken for one.
 */

export interface PlaceMatch {
  readonly type: "phone" | "postcode" | "address" | "vehicle";
  readonly start: number;
  readonly end: number;
}

/** Countries whose national formats are read (the UK and US have their own rules in detectors.ts). */
const PHONE_COUNTRIES: readonly CountryCode[] = ["FR", "DE", "ES", "IT", "PT", "BR", "NL", "BE", "CH", "AT", "AU", "IN", "CA", "IE"];

/**
 * A candidate: an international number (+33 …), a national one with its trunk
 * prefix (0…), the international prefix in brackets ((0049) 30 …), a Brazilian area code in brackets or before a
 * number with its dash (21 2567-8910), or a mobile number grouped as
 * Spain, Italy and India write them; at least 8 digits in all.
 */
const PHONE_CANDIDATE =
  /(?<![\w+/.,-])(\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\d[\d ./-]{6,16}\d|0\d{1,4}[ ./-]?\d[\d ./-]{4,14}\d|\(\d{2,3}\)[ ]?\d{4,5}[ -]?\d{4}|\(00\d{1,3}\)[ .-]?\d[\d ./-]{5,14}\d|[1-9]\d (?:9\d{4}|[2-5]\d{3})-\d{4}|[679]\d{2}[ .]\d{2,3}[ .]\d{2,3}(?:[ .]\d{2,3})?|3\d{2}[ .]\d{3}[ .]?\d{3,4}|[6-9]\d{4}[ ]\d{5})(?![\w/-]|[.,]\d)/g;

/** The countries whose national format a candidate's shape can be (each parse costs a few microseconds). */
function countriesFor(candidate: string): readonly CountryCode[] {
  // 11 98765-4321: a Brazilian mobile after its area code
  if (/^\d{2} (?:9\d{4}|[2-5]\d{3})-\d{4}$/.test(candidate)) return ["BR"];
  // (11) 98765-4321 in Brazil, (02) 9876 5432 in Australia
  if (candidate.startsWith("(")) return candidate.startsWith("(0") ? ["AU", "BR"] : ["BR"];
  if (candidate.startsWith("0")) return TRUNK_ZERO;
  if (/^[679]\d{2}[ .]\d/.test(candidate)) return ["ES"];
  if (candidate.startsWith("3")) return ["IT"];
  return ["IN"];
}
/** Countries whose national numbers begin with a trunk 0 (Italy's landlines too). */
const TRUNK_ZERO: readonly CountryCode[] = PHONE_COUNTRIES.filter((c) => !["ES", "PT", "CA", "BR"].includes(c));

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, "");
  if (digits.length < 8 || digits.length > 15) return false;
  // A Brazilian CEP (01310-100) is a postcode, not a number to call.
  if (/^\d{5}-\d{3}$/.test(candidate)) return false;
  if (candidate.startsWith("+")) return parsePhoneNumberFromString(candidate)?.isValid() ?? false;
  // A date (14/03/1958) is the date detector's; each parse costs about 10 µs, and a national one is tried per country.
  if (/^\d{1,2}([./-])\d{1,2}\1\d{2,4}$/.test(candidate)) return false;
  // Times of day in a row (0600 1200 1800) are a schedule.
  if (/^(?:[01]\d|2[0-3])[0-5]\d(?: (?:[01]\d|2[0-3])[0-5]\d){2,}$/.test(candidate)) return false;
  // 0048 22 123 4567: dialled abroad, the international prefix before a country code (one parse, not one per country).
  if (candidate.startsWith("00") || candidate.startsWith("(00"))
    return parsePhoneNumberFromString(`+${digits.slice(2)}`)?.isValid() ?? false;
  return countriesFor(candidate).some((country) => parsePhoneNumberFromString(candidate, country)?.isValid() ?? false);
}

const STREET_WORD_LIST = [
  // French, Spanish, Italian, Portuguese words before the street's name ("bd" is left out: it is twice a day)
  "rue",
  "avenue",
  "boulevard",
  "place",
  "chemin",
  "allée",
  "impasse",
  "quai",
  "route",
  "cours",
  "calle",
  "c/",
  "avenida",
  "avda\\.?",
  "av\\.",
  "bd\\.?",
  "paseo",
  "plaza",
  "camino",
  "carretera",
  "travesía",
  "via",
  "viale",
  "piazza",
  "corso",
  "largo",
  "vicolo",
  "strada",
  "rua",
  "avenida",
  "travessa",
  "praça",
  "alameda",
  "estrada",
  "largo",
];
/** Each word as written at the start of a sentence or inside one (the name after it must be capitalised, so no /i). */
const STREET_WORDS = [...new Set(STREET_WORD_LIST.flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1)]))];
/** German and Dutch streets end in their word: Hauptstraße, Lindenweg, Kerkstraat, Dorpsplein. */
const STREET_SUFFIXES =
  "(?:straße|strasse|str\\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|straat|laan|plein|gracht|kade|dijk|singel|steeg)";

// A capital and lower-case letters: "Paris", "São", not "IE" or "MG".
const CAPITALISED = "[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+";
/** Towns of Belgium and Switzerland whose four-digit postcodes look like years (Antwerp's 2000, Geneva's 1200, Lausanne's 1000s). */
const FOUR_DIGIT_POSTCODE_TOWNS =
  "(?:Antwerpen|Anvers|Berchem|Borgerhout|Deurne|Hoboken|Merksem|Wilrijk|Mortsel|Edegem|Kontich|Schoten|Brasschaat|Kapellen|Mechelen|Malines|Lier|Turnhout|Geel|Mol|Herentals|Heist-op-den-Berg|Brussel|Bruxelles|Leuven|Louvain|Wavre|Waver|Vilvoorde|Zaventem|Halle|Genève|Genf|Ginevra|Lausanne|Fribourg|Freiburg|Neuchâtel|Neuenburg|Sion|Sitten|Yverdon-les-Bains|Montreux|Vevey|Nyon|Morges|Bulle|La Chaux-de-Fonds|Le Locle|Bienne|Biel|Delémont)";
/** India's large cities, which a PIN code follows in an address. */
const INDIAN_CITIES =
  "(?:Mumbai|Bombay|Delhi|New Delhi|Bengaluru|Bangalore|Chennai|Madras|Kolkata|Calcutta|Hyderabad|Pune|Ahmedabad|Jaipur|Lucknow|Kochi|Cochin|Thiruvananthapuram|Trivandrum|Chandigarh|Bhopal|Indore|Nagpur|Patna|Surat|Vadodara|Coimbatore|Madurai|Mysuru|Mysore|Visakhapatnam|Guwahati|Bhubaneswar|Kanpur|Noida|Gurugram|Gurgaon|Vellore|Manipal|Mangaluru|Mangalore|Puducherry|Dehradun|Ludhiana|Amritsar|Ranchi|Raipur|Varanasi|Agra|Nashik|Thane|Navi Mumbai)";

/** Words that follow a 4- or 5-digit number without being a town (units and clinical words). */
const NOT_TOWNS = new Set(
  (
    "Einheiten Zellen Kopien Einheit Units Copies Leukozyten Thrombozyten Erythrozyten Plaquettes Leucocitos Plaquetas Leucociti Piastrine Trombocyten Leukocyten Reads Cells Zeichen Schritte Pasos Passi Passos Stappen Schritten " +
    "Fällen Fälle Proben Patienten Patientinnen Personen Jahren Tagen Stunden Minuten Wochen Monaten Geburten Eingriffen Operationen Behandlungen Messungen Dosen Tabletten Kapseln Meter Metern Kilometer"
  ).split(" "),
);

const PATTERNS: readonly {
  type: PlaceMatch["type"];
  re: RegExp;
  group?: number;
  /** The group holding the town's word after a postcode: a number before a unit ("12000 Leukozyten") is no postcode. */
  townGroup?: number;
  /** Kept only straight after a street address found in the text ("2019 Diagnose" after "Tag 3," is a year). */
  afterAddress?: boolean;
  /** A last check of the value the group holds. */
  accept?: (value: string) => boolean;
}[] = [
  // "12 rue de la Paix", "3 bis avenue Foch", "calle Mayor 12", "Via Roma 12", "Rua Augusta, 100", "c/ Alcalá 45",
  // "Av. Sete de Setembro 1200" (a particle inside the name)
  {
    type: "address",
    re: new RegExp(
      `${WORD_START}\\d{1,4}(?:\\s?(?:bis|ter|[A-Za-z]))?,?\\s+(?:${STREET_WORDS.join("|")})\\s+(?:(?:de|du|des|la|le|l'|del|della|di|da|do|dos|das)\\s+)*${CAPITALISED}(?:\\s+(?:(?:de|do|da|dos|das|del|della|di|du|des)\\s+)?${CAPITALISED}){0,2}`,
      "g",
    ),
  },
  {
    type: "address",
    re: new RegExp(
      `${WORD_START}(?:${STREET_WORDS.join("|")})\\s+(?:(?:de|du|des|la|le|l'|del|della|di|da|do|dos|das)\\s+)*${CAPITALISED}(?:\\s+(?:(?:de|do|da|dos|das|del|della|di|du|des)\\s+)?${CAPITALISED}){0,2},?\\s+(?:n[°ºo.]\\s*)?\\d{1,4}[A-Za-z]?(?!\\d)${WORD_END}`,
      "g",
    ),
  },
  // Whatever the street's name, a house number before a postcode and town: "Am Lindenhof 3a, 01099 Dresden",
  // "Corso Vittorio Emanuele II 88, 10121 Torino", "Av. Sete de Setembro, 1200, Salvador - BA, CEP 40060-001"
  {
    type: "address",
    re: new RegExp(
      `${WORD_START}${CAPITALISED}(?:\\s+(?:[\\p{L}.'’-]+|[IVX]{1,4})){0,5}?,?\\s+\\d{1,4}\\s?[a-zA-Z]?(?=,\\s*(?:[^,\\d]{2,30},\\s*)?(?:CEP\\s*\\d{5}-?\\d{3}|(?:\\d{5}(?:-\\d{3})?|\\d{4}\\s?[A-Z]{2})\\s+(\\p{Lu}\\p{Ll}*)))`,
      "gu",
    ),
    townGroup: 1,
  },
  // "Sendlinger Straße 7", "Kölner Str. 12", "Am Alten Weg 3": the street word on its own after an adjective
  {
    type: "address",
    re: new RegExp(
      `${WORD_START}[A-ZÄÖÜ][a-zäöüß]+(?:er|e|en)\\s+(?:Straße|Strasse|Str\\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Chaussee|Steig)\\s+\\d{1,4}[a-z]?${WORD_END}`,
      "g",
    ),
  },
  // "Hauptstraße 5", "Kerkstraat 12a", "Am Lindenweg 3"
  { type: "address", re: new RegExp(`${WORD_START}[A-ZÄÖÜ][a-zäöüß]+${STREET_SUFFIXES}\\s+\\d{1,4}[a-z]?${WORD_END}`, "g") },
  // Postcodes with their town: "75012 Paris", "10115 Berlin", "28001 Madrid", "00184 Roma", "1012 AB Amsterdam", "1000 Bruxelles"
  // (not four digits alone: "2019 Diabetes" is a year)
  {
    type: "postcode",
    // (a town may begin with its article: "15003 A Coruña", "4000 O Porto", "67100 L'Aquila", "5211 AB 's-Hertogenbosch")
    re: new RegExp(
      `${WORD_START}(?<!\\d)(\\d{5}|\\d{4}\\s?[A-Z]{2})\\s+(?:[AO] |L['’]|'s-)?(${CAPITALISED})(?:[- ]${CAPITALISED})?${WORD_END}`,
      "g",
    ),
    group: 1,
    townGroup: 2,
  },
  // Four-digit postcodes (Belgium, Switzerland, Austria, Denmark) where an address puts them, after a house number:
  // "rue Haute 120, 1000 Bruxelles", "Bahnhofstrasse 12, 8001 Zürich"; or with the country's letter: "B-1000", "CH-8001"
  {
    type: "postcode",
    re: new RegExp(`(?<=\\d[a-zA-Z]?,\\s{0,2})(\\d{4})\\s+(${CAPITALISED})${WORD_END}`, "g"),
    group: 1,
    townGroup: 2,
    afterAddress: true,
  },
  { type: "postcode", re: /(?<![\w-])((?:B|CH|A|L|DK|D|F|NL|I|E|P)-\d{4,5})\s+[A-ZÀ-Þ]/g, group: 1 },
  // A four-digit postcode and its town after the word for "in", "from" or "to" (Austria, Belgium, Switzerland, Denmark:
  // "in 1010 Wien", "à 1000 Bruxelles"); not a year ("in 2019 Covid", so not "uit 2000 Antwerpen" either), nor a count and
  // a plural noun, which German capitalises ("in 1000 Fällen": NOT_TOWNS)
  {
    type: "postcode",
    re: new RegExp(
      `(?<![\\p{L}])(?:in|aus|nach|à|de|uit|naar|te|en|em|a|da|from)\\s+(?!19\\d\\d|20\\d\\d)([1-9]\\d{3})\\s+(${CAPITALISED})${WORD_END}`,
      "gu",
    ),
    group: 1,
    townGroup: 2,
  },
  // (a year's shape is a postcode before a town that has one: "uit 2000 Antwerpen", "à 1200 Genève"; "seit 2000 Diabetes" is a year)
  {
    type: "postcode",
    re: new RegExp(
      `(?<![\\p{L}])(?:in|aus|nach|à|de|uit|naar|te|en|em|a|da|from)\\s+((?:19|20)\\d\\d)\\s+(${FOUR_DIGIT_POSTCODE_TOWNS})${WORD_END}`,
      "gu",
    ),
    group: 1,
    townGroup: 2,
  },
  // India's PIN after a city ("Mumbai 400001", "New Delhi - 110 001"), Andorra's parish code ("AD500 Andorra la Vella")
  { type: "postcode", re: new RegExp(`\\b${INDIAN_CITIES},?\\s?(?:-\\s?)?([1-8]\\d{2}\\s?\\d{3})(?!\\d|[.,]\\d)`, "g"), group: 1 },
  { type: "postcode", re: /(?<![\w-])(AD[1-7]00)(?![\w-])/g, group: 1 },
  // Portugal's 1000-001 and its town
  { type: "postcode", re: new RegExp(`(?<![\\d-])(\\d{4}-\\d{3})\\s+(${CAPITALISED})`, "gu"), group: 1, townGroup: 2 },
  // Ireland's Eircode: a routing key and four characters with a letter and a digit among them (D02 X285, T12 AB34)
  {
    type: "postcode",
    re: /(?<![\w-])([AC-FHKNPRTV-Y]\d{2}|D6W) ((?=[0-9ACDEFHKNPRTV-Y]{0,3}[ACDEFHKNPRTV-Y])(?=[0-9ACDEFHKNPRTV-Y]{0,3}\d)[0-9ACDEFHKNPRTV-Y]{4})(?![\w-])/g,
  },
  // A French or Italian town and its code in brackets: "Nantes (44000)", "Milano (20121)"
  // (not a count after a German noun: "Leukozyten (12000)")
  {
    type: "postcode",
    re: new RegExp(`(?<=[A-ZÀ-Ö][a-zà-ÿ'-]+\\s)(?<!(?:${[...NOT_TOWNS].join("|")})\\s)\\((\\d{5})\\)`, "g"),
    group: 1,
  },
  // Brazil's CEP (01310-100), Canada's (K1A 0B1), Australia's after a state (NSW 2000)
  { type: "postcode", re: /(?<![\d-])(\d{5}-\d{3})(?![\d-])/g, group: 1 },
  // (with its space: A1A1A1 without one is a TNM stage or a GCS)
  { type: "postcode", re: /\b([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d)\b/g, group: 1 },
  { type: "postcode", re: /\b(?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT)\s+(\d{4})\b/g, group: 1 },
  // After a label in any of the languages: "code postal 75012", "PLZ 10115", "CP 28001", "CAP 00184", "CEP 01310100", "PIN 110001", "postcode 1012AB"
  {
    type: "postcode",
    re: /(?<![A-Za-z])(?:code postal|CP|PLZ|Postleitzahl|c[óo]digo postal|CAP|CEP|PIN(?: code)?|postcode|postal code)\s*[:#]?\s*(\d{4,6}(?:-\d{3})?|\d{4}\s?[A-Z]{2})\b/gi,
    group: 1,
  },
  // A Spanish landline as it is grouped (91 555 12 34), after the word for a telephone: the shape alone is a line of vitals
  {
    type: "phone",
    re: /(?<![\p{L}])(?:tel[eé]fono|tfno|tlfno|tlf|tel|fijo|llamar al)\.?\s*[:.]?\s*([89]\d[ .]\d{3}[ .]\d{2}[ .]\d{2})(?!\d|[.,]\d)/giu,
    group: 1,
  },
  // Vehicle plates: French AB-123-CD, Italian AB 123 CD, Spanish 1234 BCD, Dutch sidecodes (12-ABC-3, AB-123-C), German B-AB 1234, Brazilian ABC1D23 / ABC-1234
  { type: "vehicle", re: /(?<![\w-])([A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2})(?![\w-])/g, group: 1 },
  { type: "vehicle", re: /(?<![\w-])(\d{4}[ -]?[BCDFGHJKLMNPRSTVWXYZ]{3})(?![\w-])/g, group: 1 },
  {
    type: "vehicle",
    re: /(?<![\w-])(\d{1,2}-[A-Z]{2,3}-\d{1,2}|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|\d-[A-Z]{3}-\d{2})(?![\w-])/g,
    group: 1,
  },
  // The United Kingdom's two letters, two digits and three letters, with the space (LB07 SEO; not a cluster of
  // differentiation and its assay: "CD34 CFU")
  { type: "vehicle", re: /(?<![\w-])(?!CD\d)([A-HJ-PR-Y]{2}\d{2} [A-HJ-PR-Z]{3})(?![\w-])/g, group: 1 },
  // (Brazil's older ABC-1234, but not a guideline and its year: "HLH-2004", "ACR-2010"; the label below still finds those)
  { type: "vehicle", re: /(?<![\w-])([A-Z]{3}\d[A-Z]\d{2}|[A-Z]{3}-(?!19\d\d|20\d\d)\d{4})(?![\w-])/g, group: 1 },
  // Germany's district, letters and number (M-KL 4821, B-AB 12E), with two digits or more: "HLA-B 27", "ICD-O 3" are not plates
  { type: "vehicle", re: /(?<![\w-])(?!HLA-|ICD-)([A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [1-9]\d{1,3}[EH]?)(?![\w-])/g, group: 1 },
  // After the word for a plate, or that word and the vehicle it belongs to before a colon ("Targa dell'auto del paziente: FG 482 KL";
  // not "Kennzeichen einer Sepsis: CRP 250" or "Placas de psoríase: PASI 12", where the word is a sign or a plaque)
  {
    type: "vehicle",
    re: /(?<![A-Za-z])(?:[Ii]mmatriculation|[Ii]mmatricul[ée]e?|[Ii]mmat\.|[Pp]laque d'immatriculation|Kennzeichen|Nummernschild|[Mm]atr[íi]cula|[Tt]arga(?:ta|to)?|[Pp]laca|[Kk]enteken)(?![A-Za-z])(?:(?:\s+[\p{L}'’]+){0,3}?\s+[\p{L}'’]*(?:[Aa]uto|[Cc]oche|[Cc]arro|[Vv]eh[ií]cul|[Vv]eicol|Fahrzeug|PKW|Pkw|Wagen|[Vv]oiture|[Mm]acchina|[Mm]oto)[\p{L}'’]*(?:\s+[\p{L}'’]+){0,3}\s*:|\s*[:#]?)\s*([A-Z0-9]{1,3}[ -]?[A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,4})\b/gu,
    group: 1,
  },
  // A plate shortly after the vehicle it belongs to ("Schweizer Auto ZH 123456", "Il furgone FG 482 KL", "Su coche antiguo,
  // M-1234-XY", "Der Pkw W-12345A"): two digits or more and a letter, in groups, after at most two lower-case words (not
  // "auto PEEP 12", "auto immune hepatitis, ALT 250"; not "van", a Dutch "of" before "Hashimoto, TSH 15")
  {
    type: "vehicle",
    re: /(?<![\p{L}-])(?:[Aa]uto|[Cc]oche|[Cc]arro|[Vv]oiture|[Cc]amionnette|[Ff]urgon[ea]?|[Ff]urgoneta|[Ff]urg[ãa]o|[Mm]acchina|[Vv]eicolo|[Vv]e[íi]culo|[Vv]éhicule|Pkw|PKW|Fahrzeug|Wagen|[Bb]estelbus|[Mm]oto|[Mm]otorbike|[Tt]ruck|[Cc]amion|[Cc]ami[óo]n|[Cc]aminh[ãa]o)(?![\p{L}-])(?:[\s,]+\p{Ll}[\p{Ll}'’]*){0,2}?[\s,(]+(?!(?:PEEP|ALT|AST|TSH|CRP|PCR|INR|LDH|GGT|BNP|PSA|PCT|HbA1c|eGFR)\b)((?=[A-Z0-9 -]*\d[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])[A-Z0-9]{1,3}[ -][A-Z0-9]{1,6}(?:[ -][A-Z0-9]{1,3})?|(?=[A-Z0-9]*\d[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,8})(?![\w-])/gu,
    group: 1,
    // (a plate's length: seven characters, or six in three groups, as "AA-12-BB"; a score is shorter: "GCS 14", "ALT 250")
    accept: (value) => {
      const characters = value.replace(/[ -]/g, "").length;
      return characters >= 7 || (characters === 6 && value.split(/[ -]/).length === 3);
    },
  },
];

/** Eight digits with separators between them, somewhere: without that, no phone number to look for. */
const PHONE_HINT = /\d[\d ./()-]{6,}\d/;

export function findPlaces(text: string): PlaceMatch[] {
  const out: PlaceMatch[] = [];
  PHONE_CANDIDATE.lastIndex = 0;
  if (PHONE_HINT.test(text)) {
    for (let m = PHONE_CANDIDATE.exec(text); m; m = PHONE_CANDIDATE.exec(text)) {
      if (isPhone(m[1]!)) out.push({ type: "phone", start: m.index, end: m.index + m[1]!.length });
    }
  }
  const pending: PlaceMatch[] = [];
  for (const { type, re, group, townGroup, afterAddress, accept } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      // A number and a capitalised word is a postcode and its town, unless the word is a unit.
      if (townGroup && NOT_TOWNS.has(m[townGroup]?.split("-")[0] ?? "")) continue;
      const value = group ? m[group]! : m[0];
      const start = m.index + (group ? m[0].indexOf(value) : 0);
      if (type === "vehicle" && !(/\d/.test(value) && /[A-Z]/.test(value))) continue;
      if (accept && !accept(value)) continue;
      (afterAddress ? pending : out).push({ type, start, end: start + value.length });
    }
  }
  for (const p of pending) if (out.some((a) => a.type === "address" && a.end <= p.start && p.start - a.end <= 3)) out.push(p);
  return out;
}
