/**
 * Detectors for the HIPAA Safe Harbor identifiers that free text can carry.
 * Each one is built to a rule (a format with its check digit, or a label that
 * says what the number is), so ordinary clinical shorthand does not trip it:
 * BP 120/80, GCS 13/15, 6/52, HbA1c 7.2%, "day 3", "aged 45", "in her 30s".
 */

import {
  ALL_AGES_OVER_89,
  ALL_COUPLES,
  ALL_WIDOWS,
  ALL_ASKS_FOR_BEFORE,
  ASKS_FOR_AROUND,
  ALL_MONTHS,
  ALL_ORDINAL_DAYS,
  ALL_PATIENTS,
  ALL_RECORD_LABELS,
  ALL_RELATIVES,
  ALL_TITLES,
  ALL_YEARS_WORDS,
  ALL_MONTH_WORDS,
  LANGUAGES,
  WORD_END,
  WORD_START,
} from "./languages.ts";
import { findPlaces } from "./international.ts";
import type { GuardLanguage } from "./language.ts";
import nameLists from "./name-lists.json" with { type: "json" };
import { findNationalIds } from "./national-ids.ts";
import { isPlaceName } from "./places.ts";

export type PhiType =
  | "name"
  | "date"
  | "age_over_89"
  | "phone"
  | "email"
  | "address"
  | "postcode"
  | "ssn"
  | "nhs_number"
  | "national_id"
  | "health_number"
  | "mrn"
  | "account"
  | "url"
  | "ip"
  | "vehicle"
  | "device";

export interface PhiFinding {
  readonly type: PhiType;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Detector {
  readonly type: PhiType;
  /**
   * `language()` is the text's (declared or detected, null when unknown), asked only by the rules that depend on
   * it and only when they have a candidate: detection costs more than most texts' whole check.
   */
  find(text: string, language: () => GuardLanguage | null): PhiFinding[];
}

/** Runs a regex over the text; `pick` selects the group to report and may veto a match, asking the text's language if it must. */
function regexDetector(
  type: PhiType,
  pattern: RegExp,
  pick: (m: RegExpExecArray, language: () => GuardLanguage | null) => { start: number; end: number } | null = (m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }),
): Detector {
  // Compiled once; find() is synchronous, so resetting lastIndex makes reuse safe.
  const re = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  return {
    type,
    find(text, language) {
      const out: PhiFinding[] = [];
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const span = pick(m, language);
        if (span) out.push({ type, start: span.start, end: span.end, text: text.slice(span.start, span.end) });
        if (m[0].length === 0) re.lastIndex++;
      }
      return out;
    },
  };
}

/** The whole match's span. */
const whole = (m: RegExpExecArray) => ({ start: m.index, end: m.index + m[0].length });

/** The span of a capture group within the match. */
function groupSpan(m: RegExpExecArray, group: number): { start: number; end: number } | null {
  const value = m[group];
  if (value == null) return null;
  const offset = m[0].indexOf(value, group > 1 ? (m[group - 1]?.length ?? 0) : 0);
  const start = m.index + (offset >= 0 ? offset : m[0].indexOf(value));
  return { start, end: start + value.length };
}

// ---------------------------------------------------------------- names

// A capital (accented ones too: Émile, Ángel, Ødegaard, Çelik) and lower-case letters; a hyphen may join two.
const CAPITAL = "[A-Z\\u00C0-\\u00D6\\u00D8-\\u00DE\\u0100-\\u017F]";
const NAME_WORD = `(?:Ma?c|${CAPITAL}['’])?${CAPITAL}[a-z\\u00DF-\\u00F6\\u00F8-\\u024F'’]+(?:-${CAPITAL}[a-z\\u00DF-\\u00F6\\u00F8-\\u024F'’]+)?`;
const NAME = `${NAME_WORD}(?:\\s+${NAME_WORD}){0,2}`;
/** Lower-case particles a surname may begin with (van, de, von, di, dos ...). */
const PARTICLES = "(?:van|von|de|der|den|ter|ten|te|di|da|del|della|dei|dos|das|du|le|la|zu|dal|degli|het|'t)";
/** The same particles where Flemish, Italian and French surnames write them with a capital ("De Smet", "Van den Berg", "Di Stefano"). */
const CAPITAL_PARTICLES = "(?:Van|Von|De|Der|Den|Ter|Ten|Te|Di|Da|Del|Della|Dei|Dos|Das|Du|Le|La|Dal|Degli|Ní|Nic|Ó|Uí|Mhic)";

/** Capitalised words that follow "patient," or "daughter" without being names. */
const GENERAL_NOT_NAMES = (
  "She He They The This That These Those Her His Their It Its We I You On In At Of For From With Without And But Or Was " +
  "Were Is Are Has Had Have Who Whom Which When Where While After Before During Since Until Because Although Presented " +
  "Presents Presenting Admitted Reports Reported Denies Denied Known Previously Now Today Yesterday Tomorrow Initially " +
  "Subsequently Then Also Aged Age Year Years Day Days Week Weeks Month Months Not No Yes Both All Any Each Mr Mrs Ms Miss " +
  "Dr Prof Patient Pt Male Female Man Woman Boy Girl Baby Infant Child Adult Elderly Professor Professeur Professore " +
  "Professora Doktor Docteur Doctor Dottore Dottoressa Doutor Doutora Dokter Chefarzt Oberarzt Royal College Association " +
  "Society Sociedad Sociedade Société Società Gesellschaft Vereniging Linee Guida Secondo Según Tijdschr Tijdschrift Geneeskd " +
  "Normalverbraucher Mustermann Musterfrau"
).split(" ");
/** Eponyms: diseases, signs and syndromes named after people, written after "M." (Morbus), "maladie de" or "patient". */
const EPONYMS = new Set(
  (
    "Crohn Crohn's Hodgkin Hodgkin's Addison Addison's Cushing Cushing's Sjögren Sjögren's Guillain Barré Parkinson " +
    "Parkinson's Alzheimer Alzheimer's Graves Graves' Hashimoto Hashimoto's Kawasaki Wilson Wilson's Bell Bell's Raynaud " +
    "Raynaud's Down Down's Marfan Turner Klinefelter Tourette Huntington Huntington's Wernicke Korsakoff Behçet Still Still's " +
    "Paget Paget's Kaposi Bechterew Basedow Hirschsprung Pfeiffer Lyme Wegener Menière Ménière Horner Quincke Sudeck " +
    "Dupuytren Ledderhose Peyronie Tietze Kussmaul Cheyne Stokes Virchow Wilms Scheuermann Perthes Osgood Schlatter Whipple " +
    "Fabry Gaucher Pompe Boeck Ormond Kienböck Köhler Ménétrier Forestier Bourneville Recklinghausen Werlhof Hodgkin Dressler " +
    "Reiter Bouveret Barlow Osler Weber Rendu Cogan Meige Refsum Fallot Ebstein Kawasaki Kahler Waldenström Waldenstrom Starling Frank-Starling"
  ).split(" "),
);
/** Drug names a cue may stand before ("Patient Marcoumar"). */
const DRUG_NAMES = "Morbus Marcoumar Marcumar Falithrom Sintrom Xarelto Eliquis Lixiana Pradaxa Ramipril Metformin Ibuprofen".split(" ");
const NOT_NAMES = new Set([...GENERAL_NOT_NAMES, ...EPONYMS, ...DRUG_NAMES]);

const TITLES = `(?:Mr|Mrs|Ms|Miss|Mx|Dr|Dra|Prof|Professor|Sir|Dame|Madam|${ALL_TITLES.slice(3, -1)})`;
/**
 * What may stand between a title and the name: more titles and degrees, "colleague", "widow", initials ("Herr Prof. Dr. med.
 * habil.", "Frau Kollegin Dr.", "Herrn DI", "Mw. drs.", "Mme veuve", "Mevr. A.B.").
 */
const AFTER_TITLE = `(?:(?:(?:le|la)\\s+)?(?:Dr\\.in|Dr|Dra|Prof|Pr|Dipl\\.-Ing|Dipl\\.-Med|Ing|ing|DI|Mag|med|habil|dent|vet|drs|Drs|ir|Ir|mr|Kollegin|Kollege|D|Dña|${ALL_WIDOWS.slice(3, -1)})\\.?\\s+){0,4}(?:(?:[A-Z]\\.){1,4}\\s*)?`;
const RELATIVES =
  "(?:husband|wife|partner|spouse|son|daughter|mother|father|mum|mom|dad|brother|sister|grandson|granddaughter|grandmother|grandfather|grandma|grandpa|aunt|uncle|niece|nephew|cousin|carer|caregiver|care worker|support worker|home help|guardian|fianc[eé]e?|boyfriend|girlfriend|stepson|stepdaughter|stepmother|stepfather|neighbou?r|friend|flatmate|housemate|roommate|landlady|landlord|(?:brother|sister|mother|father|son|daughter)-in-law)";
const PERSON_NOUNS = "(?:patient|pt|client|resident|man|woman|gentleman|lady|boy|girl|child|baby|infant|gentleman|teenager)";

/** A word list matched whatever its case ("Patient", "pt", "PT"), without letting the name after it be lowercase. */
function anyCase(words: readonly string[]): string {
  return `(?:${words.map((w) => [...w].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch.replace(/[.]/g, "\\."))).join("")).join("|")})`;
}

/** Words a clinician capitalises after "patient" or "saw" that are not anyone's name. */
const CLINICAL_WORDS = new Set(
  (
    "Arbor Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June July August September October November December " +
    "Emergency Department Clinic Ward Hospital Theatre Theatres Outpatients Cardiology Neurology Oncology Radiology Surgery Medicine Paediatrics " +
    "Intensive Care Unit General Practice Practice Team Consultant Registrar Nurse Sister Matron Ambulance Service Trust Board Covid Influenza " +
    // German nouns (capitalised by the language) that follow "Patient" or "Tochter" without being names; and other languages' clinical words
    "Zustand Aufnahme Anamnese Befund Befunde Diagnose Therapie Vorstellung Verlegung Entlassung Schmerzen Fieber Beschwerden Verdacht Status Labor " +
    "Blutdruck Puls Temperatur Medikation Allergie Allergien Vorerkrankungen Nebendiagnosen Ausschluss Kontrolle Untersuchung Sonographie Röntgen " +
    "Mitte Anfang Ende Doktor Doktorin Oberarzt Oberärztin Chefarzt Chefärztin Assistenzarzt Stationsarzt Kollege Kollegin " +
    "Ergebnis Heute Gestern Morgen Station Klinik Notaufnahme Hausarzt Hausärztin Befinden Allgemeinzustand Ernährungszustand Bewusstsein " +
    "Atemnot Dyspnoe Luftnot Husten Übelkeit Erbrechen Durchfall Tag Tage Woche Wochen Monat Monate Jahr Jahre Seit Nach Vor Bei Mit Ohne Und Oder " +
    "Ist War Wird Wurde Hat Hatte Sie Er Es Die Der Das Den Dem Ein Eine Einer Keine Kein Nicht Postoperativ Postoperative Postoperativen " +
    "Intensivstation Pflegeheim Rettungsdienst Notarzt Chirurgie Kardiologie Neurologie Onkologie Urologie Gynäkologie Pädiatrie Innere " +
    "Urgences Service Hôpital Clinique Consultation Réanimation Cardiologie Neurologie Médecin Traitant Infirmière Depuis Avec Sans Pour " +
    "Urgencias Servicio Hospital Consulta Planta Unidad Médico Enfermera Desde Con Sin Para Pronto Soccorso Reparto Ospedale Medico " +
    "Pronto-Socorro Enfermaria Consultório Ziekenhuis Afdeling Spoedeisende Hulp Huisarts Verpleegkundige Sinds Met Zonder Voor"
  ).split(" "),
);

function isName(candidate: string): boolean {
  const first = candidate.split(/\s+/)[0]!;
  const bare = first.replace(/['’]s$/, "");
  return !NOT_NAMES.has(first) && !NOT_NAMES.has(bare) && !CLINICAL_WORDS.has(bare) && bare.length >= 3;
}

/** A first and a last name (two capitalised words, the second may be hyphenated). */
const FULL_NAME = `${NAME_WORD}\\s+${NAME_WORD}(?:\\s+${NAME_WORD})?`;
const CASED_NOUNS = anyCase(["patient", "pt.", "pt", "client", "resident", "service user"]);
const INTRODUCING_VERBS = anyCase([
  "saw",
  "seen",
  "reviewed",
  "admitted",
  "examined",
  "visited",
  "assessed",
  "discharged",
  "met",
  "treated",
  "referred",
]);

const TWO_LETTER_NAME = /^\p{Lu}\p{Ll}(?:\s|$)/u;

const nameDetectors: Detector[] = [
  // Mr Harold Pemberton, Mrs Okafor, Dr. Jane Smith ("Mr X" is already anonymous)
  // (with the particles surnames carry in other languages: Mevr. de Vries, Herr von Arnim, Sr. de la Fuente)
  // (and a second title: Herr Dr. Bauer, Frau Dr. med. Westphal, Herr Prof. Dr. Lang, Mme le Dr Martin, Sra. Dra. López;
  // "widow" and initials: Mme veuve Lacombe, Dhr. J.P.M. van den Berg; a lower-case "dr." as Dutch writes it: "door dr. Bakker")
  regexDetector(
    "name",
    new RegExp(
      `(?:\\b${TITLES}|(?<![A-Za-z\\u00C0-\\u024F])dr)\\.?\\s+${AFTER_TITLE}((?:${PARTICLES}\\s+|${CAPITAL_PARTICLES}\\s+(?=${CAPITAL})){0,2})(${NAME})`,
      "g",
    ),
    // (after a title, two letters are a name too: "Dr Ng", "Mr Li", "Seu Zé Carlos")
    // (and an eponym is a person after a title: "Frau Wegener", "Mr Parkinson"; the disease is "Morbus Wegener")
    (m) => (isName(m[2]!) || TWO_LETTER_NAME.test(m[2]!) || EPONYMS.has(m[2]!.split(/\s+/)[0]!) ? whole(m) : null),
  ),
  // "the patient, Jane Whitfield," / "a man named Tom Price" / "patient called Ann"
  regexDetector(
    "name",
    new RegExp(`\\b${PERSON_NOUNS}(?:,\\s*|\\s+(?:named|called|known as|by the name of|whose name is)\\s+|'s name is\\s+)(${NAME})`, "gi"),
    (m) => (/^[A-Z]/.test(m[1]!) && isName(m[1]!) ? groupSpan(m, 1) : null),
  ),
  // No comma, no title: "patient John Smith", "pt Jane Doe", "Patient: Hollis Trevanion", "resident Wilfred"
  regexDetector("name", new RegExp(`\\b${CASED_NOUNS}\\s*[:-]?\\s+(${NAME})`, "g"), (m) => (isName(m[1]!) ? groupSpan(m, 1) : null)),
  // A full name straight after a verb of seeing: "I saw Bartholomew Quince", "we admitted Priya Venkataraman"
  regexDetector("name", new RegExp(`\\b${INTRODUCING_VERBS}\\s+(${FULL_NAME})`, "g"), (m) => (isName(m[1]!) ? groupSpan(m, 1) : null)),
  // relatives: "her husband John", "daughter, Priya Shah", "son named Leo", "his wife Anne", "Husband (Gurpreet)"
  regexDetector("name", new RegExp(`\\b${RELATIVES}(?:,\\s*|\\s*[(:]\\s*|\\s+(?:named|called)\\s+|\\s+)(${NAME})`, "gi"), (m) => {
    if (!/^[A-Z]/.test(m[1]!) || !isName(m[1]!)) return null;
    // Under the case-insensitive match the name runs on ("Anne says the"): keep the capitalised words.
    const words = m[1]!.split(/\s+/);
    const stop = words.findIndex((w) => !/^[A-Z]/.test(w));
    const kept = stop === -1 ? words : words.slice(0, stop);
    const span = groupSpan(m, 1)!;
    return { start: span.start, end: span.start + kept.join(" ").length };
  }),
  // "Re: Gwendolyn": a reply about someone, by her given name
  regexDetector("name", new RegExp(`(?<![\\p{L}])Re:\\s+(${NAME_WORD})`, "gu"), (m) =>
    isGivenName(m[1]!, false) && isName(m[1]!) ? groupSpan(m, 1) : null,
  ),
  // "Grace Oyelaran-Smith, aged 93," / "Iris Townsend, 67,": a given name and a surname the age follows, even a
  // given name that is also a clinical word when the surname is known
  regexDetector(
    "name",
    new RegExp(
      `(?<![\\p{L}])(${NAME_WORD})\\s+(${NAME_WORD}),\\s*(?:aged\\s+)?\\d{1,3}(?!\\d|[.,]\\d|\\s*(?:mg|mcg|µg|g|kg|ml|mL|l|L|mmol|µmol|%|cm|mm|h|hrs?|days?|weeks?|months?|units?|iu|IU)\\b)`,
      "gu",
    ),
    (m) => {
      const [first, last] = [m[1]!, m[2]!];
      const given = GIVEN_NAMES.has(first) || REGISTERED_GIVEN_NAMES.has(first);
      if (!given || NOT_NAMES.has(first) || CLINICAL_WORDS.has(first) || MONTH_WORDS.has(first) || isPlaceName(`${first} ${last}`))
        return null;
      return isSurname(last) ? { start: m.index, end: m.index + m[1]!.length + 1 + m[2]!.length } : null;
    },
  ),
  // "Name: Jane Doe", "patient name - J. Doe"
  regexDetector("name", new RegExp(`\\b(?:patient\\s+)?name\\s*[:=\\-]\\s*((?:[A-Z]\\.\\s*)?${NAME})`, "gi"), (m) =>
    isName(m[1]!) ? groupSpan(m, 1) : null,
  ),
];

/** Given names and surnames of the network's locales (scripts/phi-names.ts, from faker, fakerator and national given-name lists). */
const GIVEN_NAMES = new Set(nameLists.given);
const REGISTERED_GIVEN_NAMES = new Set(nameLists.registered);
const SURNAMES = new Set(nameLists.surnames);

/** Month names of every language, capitalised: "Mai", "Avril" and "June" are given names too, but not before a number. */
const MONTH_WORDS = new Set(
  ALL_MONTH_WORDS.map((m) => m.charAt(0).toUpperCase() + m.slice(1)).concat(
    "January February March April May June July August September October November December".split(" "),
  ),
);
/** Given names that are also anatomy, drugs or places in clinical text ("Iris", "Lyrica", "Santa Maria"). */
const GIVEN_NAMES_IN_CLINICAL_USE = new Set(
  (
    "Avis Dolor Signe Iris Pia Dura Lyrica Yasmin Diane Valium Ava Atlas Axis Vita Santa San Santo Saint Sainte Sankt Maria-Hilf Mercedes Hope Grace Faith " +
    "Sala Patient Patientin Patiente Paciente Paziente Tag Morgen Abend Nacht Woche Mitte Anfang Ende Doktor Docteur Doctor Major Sister Will Max Min Pugh"
  ).split(" "),
);
const PLACE_PREFIXES = /(?:San|Santa|Santo|São|Saint|Sainte|St|Ste|Sankt|Rue|Via|Calle|Rua|Avenue|Place|het)\.?\s+$/;
/**
 * Hospitals and institutes carry people's names ("hôpital Georges Pompidou", "Hospital Universitario Gregorio Marañón");
 * "clinique" and "clínica" after a noun are an adjective ("examen clinique de Yannick Le Goff").
 */
const INSTITUTION_BEFORE =
  /(?:h[ôo]pital|hospital|hospitais|ospedale|policlinico|klinikum|klinik|(?<!(?:examen|exame|cas|caso|tableau|quadro|signe|bilan|essai|ensayo|[ée]tude|estudio|estudo|historia|hist[óo]ria|exploraci[óo]n|evoluci[óo]n|evolu[çc][ãa]o|valutazione|situazione|sesi[óo]n|sess[ãa]o|pr[áa]ctica|pr[áa]tica|pratique|surveillance|suivi)\s)(?:clinique|cl[ií]nica)|ziekenhuis|institut[eo]?|centre|centro|center|CHU|CHRU|CHR|AP-HP|HCL|fondation|fundaci[óo]n|funda[çc][ãa]o|fondazione|stichting|universit[àéa]\w*|universitari[oa])\b[^.,;:!?()]{0,30}$/i;
/** A sign, test or disease named after its describer: "syndrome de Wolff", "Séquence de Pierre Robin", "Pierre Robin sequence", "score de Wells". */
const EPONYM_HEADS =
  /(?:syndrome|syndrom|s[íi]ndrome|sindrome|maladie|enfermedad|malattia|morbo|doen[çc]a|ziekte|krankheit|morbus|signe|signo|segno|sinal|teken|zeichen|sign|test|teste|prueba|prova|score|escore|escala|[ée]chelle|scala|schaal|punteggio|index|indice|[íi]ndice|crit[èe]res?|criterios?|criteri|crit[ée]rios|classification|clasificaci[óo]n|classificazione|classifica[çc][ãa]o|s[ée]quence|secuencia|sequenza|sequ[êe]ncia|man[œo]e?uvre|maniobra|manovra|manobra|r[ée]flexe|reflejo|riflesso|reflexo|reflex|ph[ée]nom[èe]ne|fen[óo]meno|tumeur|tumor|tumore|triade|tr[íi]ada|loi|ley|lei|legge|wet|gesetz|op[ée]ration|operaci[óo]n|intervento|procedure|procedimiento|fracture|fractura|frattura|fratura|m[ée]thode|m[ée]todo|metodo|technique|t[ée]cnica|tecnica)\s+(?:de\s+|d['’]\s*|du\s+|di\s+|del\s+|da\s+|do\s+|van\s+|von\s+|of\s+)?$/i;
const EPONYM_TAILS =
  /^[\s-]+(?:sequence|syndrome|disease|protein|proteins|bodies|body|palsy|ulcers?|lesions?|spots?|grading|staging|sign|test|score|criteria|procedure|operation|manoeuvre|maneuver|classification|scale|reflex|phenomenon|fracture|tumou?r|cells?|nodes?|triad|law|method|technique|Krankheit|Syndrom|Zeichen|Test|Score|Klassifikation|Operation)\b/i;

/** An eponym that is a common surname too (Pfeiffer, Wilson, Parkinson): a person after a common given name. */
function isEponymSurname(word: string): boolean {
  return EPONYMS.has(word) && SURNAMES.has(word);
}

function notAName(word: string): boolean {
  return NOT_NAMES.has(word) || CLINICAL_WORDS.has(word) || MONTH_WORDS.has(word) || GIVEN_NAMES_IN_CLINICAL_USE.has(word);
}

/** A given name, or a hyphenated pair of them ("Jean-Pierre", "Klaus-Dieter"); `registered` admits the national lists. */
function isGivenName(word: string, registered: boolean): boolean {
  const known = (w: string) => GIVEN_NAMES.has(w) || (registered && REGISTERED_GIVEN_NAMES.has(w));
  if (notAName(word)) return false;
  return known(word) || (word.includes("-") && word.split("-").every((part) => known(part) && !notAName(part)));
}

/** A given name with accents the lists spell without ("Siobhán", "Seán", "Ciarán"): English writes few other accented words. */
let foldedGivenNames: Map<string, string> | null = null;
function isAccentedGivenName(word: string): boolean {
  if (/^[A-Za-z'’-]*$/.test(word)) return false;
  foldedGivenNames ??= new Map([...GIVEN_NAMES, ...REGISTERED_GIVEN_NAMES].map((w) => [w.normalize("NFD").replace(/\p{M}/gu, ""), w]));
  const folded = word.normalize("NFD").replace(/\p{M}/gu, "");
  return foldedGivenNames.has(folded) && !notAName(folded);
}

/** First-person plural verbs of the Romance languages, which open a note's sentences ("Atendemos", "Hemos", "Abbiamo", "Avons"). */
const FIRST_PERSON_PLURAL_VERB = /(?:amos|emos|imos|iamo|ons)$/;
/** Dutch and Frisian women's names are diminutives ("Hendrikje", "Klaasje", "Sjoukje", "Anneke"); capitalised before a surname, not a noun. */
const DUTCH_DIMINUTIVE_NAME = /^\p{Lu}\p{Ll}{3,}(?:je|ke)$/u;
/** Diminutives that are nouns in notes ("Tabletje", "Meisje"), and the shapes of drug names after them ("Paracetamol"). */
const DUTCH_DIMINUTIVE_NOUNS = new Set(
  "Meisje Beetje Tabletje Pilletje Kindje Jongetje Zakje Plekje Stukje Briefje Lijstje Potje Drankje Spuitje Prikje Vlekje Bultje Bobbeltje Kopje Glaasje Lepeltje Druppeltje".split(
    " ",
  ),
);
const DRUG_SHAPED = /(?:ol|ine?|ide|am|il|mab|nib|pril|sartan|statine?|cilline?|mycine?|azol|olol|pine|one|ase|xaban)$/;
function isDutchDiminutiveName(first: string, last: string | undefined): boolean {
  return DUTCH_DIMINUTIVE_NAME.test(first) && !DUTCH_DIMINUTIVE_NOUNS.has(first) && !!last && !DRUG_SHAPED.test(last);
}

/** Irish and Scots patronymics are surnames by their form ("O'Brien", "McAllister"); the lists spell few of them, and in lower case after the prefix. */
const PATRONYMIC_SURNAME = /^(?:O['’]|Ma?c)\p{Lu}\p{Ll}{2,}$/u;
/** Frisian surnames are surnames by their endings too ("Hoekstra", "Wiersma", "Brouwersma", "Hettinga"); no clinical word ends so. */
const FRISIAN_SURNAME = /^\p{Lu}\p{Ll}{2,}(?:stra|ersma|osma|ijsma|uisma|inga|enga|huizen)$/u;

function isSurname(word: string): boolean {
  // A double-barrelled surname counts when either half is known ("Oyelaran-Smith", "Schäfer-Lindqvist").
  return (
    !notAName(word) &&
    (SURNAMES.has(word) ||
      word.split("-").some((part) => SURNAMES.has(part)) ||
      PATRONYMIC_SURNAME.test(word) ||
      FRISIAN_SURNAME.test(word))
  );
}

/** Given names that are German words too ("nach Gabe Furosemid", "Heide", "Wolf"), or towns. */
const GERMAN_WORDS_AS_GIVEN_NAMES = new Set(
  "Mai Juni Juli März Tage Tagen Handy Auto Alter Dame Mamma Kamille Gabe Mark Rose Wolf Flora Heide Kai Linde Ernst Golf Art Dean Sonne Elf Hahn Fuchs Bach Berg Tag Will Ende Liebe Ehre Hoffnung Lange Klein Jung Kurz Berlin Wien Bern Paris Florence Lourdes Hamburg Dresden Essen Halle Jena Linz Graz Basel Zug Chur Haus Kind Frau Mann Herz Blut Rat Heil Welt Wahl Wald Sand Stein Licht Sommer Winter Herbst Frühling Christ Kirche".split(
    " ",
  ),
);
/** Endings of German nouns (Verschlechterung, Übernahme, Pankreatitis), which a surname rarely has. */
const GERMAN_NOUN_ENDING =
  /(?:ung|heit|keit|schaft|tion|sion|tät|ie|itis|ose|om|ämie|ik|nahme|gabe|ur|enz|anz|ismus|ität|lage|e|en|in|is|us|um|(?<!th)al|ent|ant|ment|chen|lein|nis|sal|tum|ling|or|at|ar|ol|id)$/;
/**
 * In German, where nouns are capitalised, a given name and an unknown capitalised word are a name when the given
 * name is not a German word and the second word has no noun's ending ("Detlef Brückner", "Mechthild Oberhauser").
 */
function looksLikeGermanFullName(first: string, last: string): boolean {
  return (
    first.length >= 4 &&
    last.length >= 5 &&
    // (a compound noun is longer than a surname: "Otto Normalverbraucher")
    last.length <= 12 &&
    isGivenName(first, true) &&
    !GERMAN_WORDS_AS_GIVEN_NAMES.has(first) &&
    !GERMAN_WORDS_AS_GIVEN_NAMES.has(last) &&
    !GERMAN_NOUN_ENDING.test(last)
  );
}

/**
 * A full name with no cue at all ("Marie Dubois présente …", "Jean-Pierre
 * Lefèvre, 67 ans"), in three strengths:
 * - a given name (of any list) and a known surname;
 * - a given name and a capitalised word that is nothing else the guard
 *   knows (an unknown surname), in languages that capitalise only names;
 * - a capitalised word and a known surname, the first neither a clinical word
 *   nor a month, in those languages too.
 */
const CAPITALISED_WORD = /[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0100-\u017F][a-z\u00DF-\u00F6\u00F8-\u024F'’-]+/g;
// (a particle may be capitalised, as Breton and Italian surnames write it: "Yannick Le Goff", "Marco De Luca")
const AFTER_GIVEN = new RegExp(`^\\s+((?:(?:${PARTICLES}|${CAPITAL_PARTICLES})\\s+){0,2})(${NAME_WORD})`);
const LETTER_BEFORE = /[A-Za-z\u00C0-\u024F]/;
/** A journal's abbreviated title before its year and volume ("Ned Tijdschr Geneeskd 2022;166", "Rev Esp Cardiol. 2021;74"). */
const JOURNAL_CITATION_AFTER = /^[\p{L}\s.(’']{0,36}?(?:19|20)\d\d\s*[;:]\s*\d/u;
const cuelessNames: Detector = {
  type: "name",
  find(text, language) {
    const capitalisesNouns = () => {
      const lang = language();
      return lang === null || LANGUAGES[lang]?.capitalisesNouns === true;
    };
    const out: PhiFinding[] = [];
    CAPITALISED_WORD.lastIndex = 0;
    for (let m = CAPITALISED_WORD.exec(text); m; m = CAPITALISED_WORD.exec(text)) {
      const first = m[0].replace(/['’]s$/, "");
      if (first.length < 3 || first.endsWith("-") || notAName(first)) continue;
      if (m.index > 0 && LETTER_BEFORE.test(text[m.index - 1]!)) continue;
      const next = AFTER_GIVEN.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 60));
      const last = next?.[2];
      // An eponym that is a common surname too (Pfeiffer, Wilson, Bell) after a common given name is a person ("Gudrun Pfeiffer").
      const eponymSurname = !!last && isEponymSurname(last) && isGivenName(first, false);
      if (!last || last.length < 2 || (notAName(last) && !eponymSurname)) continue;
      const before = text.slice(Math.max(0, m.index - 48), m.index);
      // (the institution's word may be the first word itself: "no Instituto Dante Pazzanese")
      if (
        PLACE_PREFIXES.test(before) ||
        INSTITUTION_BEFORE.test(`${before}${first} `) ||
        EPONYM_HEADS.test(before) ||
        EPONYM_HEADS.test(`${first} `)
      )
        continue;
      const after = text.slice(m.index + m[0].length + next![0].length, m.index + m[0].length + next![0].length + 48);
      if (EPONYM_TAILS.test(after) || JOURNAL_CITATION_AFTER.test(after)) continue;
      // Mid-sentence (after a lower-case word), a capitalised pair is a proper noun: there a surname that is also a
      // given name ("revi Valdir Tavares") still counts, and so does a second given name ("with Theodora Vance").
      const midSentence = /\p{Ll}[\s,]*$/u.test(text.slice(Math.max(0, m.index - 3), m.index));
      const given =
        isGivenName(first, true) ||
        (language() === "en" && isAccentedGivenName(first)) ||
        (language() === "nl" && isDutchDiminutiveName(first, last));
      const strong =
        (given && (isSurname(last) || eponymSurname)) ||
        (((given && (!GIVEN_NAMES.has(last) || midSentence) && last.length >= 3) ||
          // (with a particle between, only after a given name, or mid-sentence in Dutch: "met Willemijn de Boer";
          // not "Polígono de Willis")
          ((!next![1] || isGivenName(first, true) || (midSentence && language() === "nl")) &&
            isSurname(last) &&
            (!isGivenName(last, false) || midSentence) &&
            // (a verb that opens the sentence is no given name: "Atendemos Sala Vermelha lotada")
            (given || !FIRST_PERSON_PLURAL_VERB.test(first)) &&
            text[m.index + m[0].length] === " ")) &&
          !capitalisesNouns());
      if (!strong && !(capitalisesNouns() && !next![1] && looksLikeGermanFullName(first, last))) continue;
      const end = m.index + m[0].length + next![0].length;
      // A place that looks like a name ("Costa Rica", "Rio Grande") is one only here, with no cue: "son Jordan" stays a name.
      if (isPlaceName(text.slice(m.index, end))) continue;
      out.push({ type: "name", start: m.index, end, text: text.slice(m.index, end) });
    }
    return out;
  },
};

/**
 * Names as registers and lists write them: the surname first in capitals
 * ("DUPONT Marie", "SMITH, John"), or first and followed by a comma and a
 * given name ("De Jong, Willem", "Fernández López, María"); and an initial
 * before a known surname ("J. Marchand"; "M." is Monsieur or Morbus, below).
 */
const UPPER_SURNAME = /(?<![\p{L}\d-])(\p{Lu}{3,}(?:[ -]\p{Lu}{2,})?),?\s+(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)/gu;
const SURNAME_COMMA_GIVEN = new RegExp(
  `(?<![\\p{L}])((?:(?:De|Van|Von|Di|Da|Del|Le|La|Du|Dos)\\s+)?${NAME_WORD}(?:\\s+${NAME_WORD})?),\\s+(${NAME_WORD})`,
  "gu",
);
const INITIALS_LIST = new RegExp(`(?<![\\p{L}.])[A-Z]\\.\\s?${NAME_WORD}(?:,\\s*[A-Z]\\.\\s?${NAME_WORD})+`, "gu");
const INITIAL_AND_WORD = new RegExp(`[A-Z]\\.\\s?(${NAME_WORD})`, "gu");
const BACTERIAL_SPECIES = new Set(["Aureus", "Coli", "Pneumoniae", "Epidermidis", "Faecalis", "Aeruginosa", "Pyogenes", "Agalactiae"]);
const INITIAL_SURNAME = new RegExp(`(?<![\\p{L}.])([A-LN-Z])\\.\\s?(${NAME_WORD})`, "gu");
const registerNames: Detector[] = [
  // (not an acronym before an eponymous score: "ECMO, Murray score")
  regexDetector("name", UPPER_SURNAME, (m) => {
    if (!isGivenName(m[2]!, false) || EPONYM_TAILS.test(m.input.slice(m.index + m[0].length, m.index + m[0].length + 20))) return null;
    const upper = m[1]!;
    const asWritten = upper.charAt(0) + upper.slice(1).toLowerCase();
    return upper.length <= 5 && !isSurname(asWritten) ? null : whole(m);
  }),
  regexDetector("name", SURNAME_COMMA_GIVEN, (m) => {
    const words = m[1]!.split(/\s+/);
    return isGivenName(m[2]!, false) && isSurname(words.at(-1)!) && !words.some((w) => notAName(w)) ? whole(m) : null;
  }),
  regexDetector("name", INITIAL_SURNAME, (m) => (isSurname(m[2]!) && !isGivenName(m[2]!, false) ? whole(m) : null)),
  // A list of initials and surnames ("A. Martin, B. Lefort, C. Guérin") is people, whatever lists have the surnames
  // (not "S. Aureus, E. Coli", which are bacteria)
  regexDetector("name", INITIALS_LIST, (m) =>
    [...m[0].matchAll(INITIAL_AND_WORD)].every((w) => isName(w[1]!) && !BACTERIAL_SPECIES.has(w[1]!)) ? whole(m) : null,
  ),
];

// ---------------------------------------------------------------- dates

const MONTHS =
  "(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";
const ORDINAL = "(?:st|nd|rd|th)?";
const UNIT_AFTER = /^\s*(?:mg|mcg|µg|ug|g|kg|ml|mL|l|L|mmol|units?|iu|IU|%|cm|mm|h|hrs?|hours?|days?|weeks?|wks?|years?|yrs?)\b/;

/** A day of a month (1 to 31). */
const isDay = (day: string) => Number(day) >= 1 && Number(day) <= 31;
/** A day and a month in that order (31/12, not 12/31). */
const isDayAndMonth = (day: string, month: string) => isDay(day) && Number(month) >= 1 && Number(month) <= 12;

function validDayMonth(a: number, b: number): boolean {
  const dm = a >= 1 && a <= 31 && b >= 1 && b <= 12;
  const md = b >= 1 && b <= 31 && a >= 1 && a <= 12;
  return dm || md;
}

const ORDINAL_WORDS =
  "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|(?:twenty|thirty)[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))";
const DAY_NUMBER = `(?:(?:[1-9]|[12]\\d|3[01])${ORDINAL})`;
const WEEKDAYS = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues?|Wed|Thurs?|Fri|Sat|Sun)";
/** Days that are a date by name (a month and a day), with or without the year. */
const NAMED_DAYS =
  "(?:Christmas (?:Eve|Day)|Boxing Day|New Year's (?:Eve|Day)|Hogmanay|Hallowe'?en|Bonfire Night|Guy Fawkes Night|Valentine's Day|St\\.? Patrick's Day|Independence Day|Thanksgiving(?: Day)?|Easter (?:Sunday|Monday)|Good Friday|Remembrance (?:Day|Sunday)|Veterans Day|Memorial Day|Labor Day)";
const TIME = "(?:(?:[01]?\\d|2[0-3])[:.][0-5]\\d(?:\\s?[ap]\\.?m\\.?)?|(?:1[0-2]|0?[1-9])\\s?[ap]\\.?m\\.?)";

/** Halves, thirds and quarters ("le 1/3 inférieur", "il 3/4 distale") are parts of something, not days of a month. */
function isCommonFraction(top: string, bottom: string): boolean {
  return !top.startsWith("0") && !bottom.startsWith("0") && Number(bottom) <= 4 && Number(top) < Number(bottom);
}

/** Scores written as a date is: Apgar at 1, 5 and 10 minutes, the three parts of the Glasgow scale. */
const SCORES_BEFORE = /(?:apgar(?:-?score)?|gcs|glasgow|e\/v\/m|scores?|punkte|points?)\s*(?:von\s+|de\s+|di\s+|van\s+)?[:=]?\s*$/i;

const calendarDates: Detector[] = [
  // 14/03/1958, 1/9/1972, 21.08.2025, 02-11-49
  // (not scores written the same way: "Apgar 4/8/10", "GCS 3/4/6")
  regexDetector("date", /(?<![\d/.:-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/:-]|\.\d)/g, (m) =>
    validDayMonth(Number(m[1]), Number(m[3])) && !SCORES_BEFORE.test(m.input.slice(Math.max(0, m.index - 24), m.index)) ? whole(m) : null,
  ),
  // 2024-06-17, 2024/06/17
  regexDetector("date", /\b(1[89]\d{2}|2\d{3})([-/.])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])\b/g),
  // 12th May 2023, 3 March, 3rd of March 1961
  regexDetector(
    "date",
    new RegExp(`\\b(?:[1-9]|[12]\\d|3[01])${ORDINAL}\\s+(?:of\\s+)?${MONTHS}\\.?(?:,?\\s+(?:\\d{4}|'\\d{2}))?\\b`, "g"),
  ),
  // March 3, 1961; May 12th; Mar 2021 (month + year is more specific than a year)
  regexDetector("date", new RegExp(`\\b${MONTHS}\\.?\\s+(?:[1-9]|[12]\\d|3[01])${ORDINAL}(?:,?\\s+\\d{4})?\\b`, "g"), (m) => {
    const rest = m.input.slice(m.index + m[0].length);
    return UNIT_AFTER.test(rest) ? null : whole(m);
  }),
  regexDetector("date", new RegExp(`\\b${MONTHS}\\.?,?\\s+(?:of\\s+)?(?:1[89]|20)\\d{2}\\b`, "g")),
  // 2023-06 (ISO year-month)
  regexDetector("date", /\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])\b(?!-\d)/g),
  // the twenty-first of June, ninth of October
  regexDetector("date", new RegExp(`\\b${ORDINAL_WORDS}\\s+of\\s+${MONTHS}\\b(?:,?\\s+\\d{4})?`, "gi")),
  // November the 5th, June the twenty-first
  regexDetector("date", new RegExp(`\\b${MONTHS}\\.?\\s+the\\s+(?:${DAY_NUMBER}|${ORDINAL_WORDS})\\b`, "g")),
  // Tuesday the 14th, Friday 9th (a weekday pins the day of the month)
  regexDetector("date", new RegExp(`\\b${WEEKDAYS}\\.?,?\\s+(?:the\\s+)?(?:[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)\\b`, "g")),
  regexDetector("date", new RegExp(`\\b${NAMED_DAYS}(?:,?\\s+\\d{4})?`, "g")),
  // 03-Mar-1941, 3-MAR-41: the month's name between dashes or slashes
  regexDetector("date", new RegExp(`\\b(?:[0-3]?\\d)[-/](?:${MONTHS})[-/](?:\\d{4}|\\d{2})\\b`, "gi")),
  // 3/III/2024, 10.XII.23: the month in Roman numerals, as Italian and Polish notes write it; in lower case with a
  // four-digit year ("7.iv.1931", as British notes do), where "3/iv/24" could be a dose and a route
  regexDetector(
    "date",
    /(?<![\d/.])([0-3]?\d)([./-])(?:(?:XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\2(?:\d{4}|\d{2})|(?:xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i)\2(?:19|20)\d{2})(?![\d/]|\.\d)/g,
    (m) => (isDay(m[1]!) ? whole(m) : null),
  ),
  // "le 03/03", "el 10/3", "il 3/4", "em 05/06", "op 14/2": a day and month after the article a date takes
  // (not "le 3/4 des patients", "il 1/2 della dose", "le 1/3 inférieur")
  regexDetector(
    "date",
    /(?<![\p{L}])(?:le|du|au|el|del|al|il|dal|em|dia|até|op|van|tot|am|vom|bis)\s+(\d{1,2})\/(\d{1,2})(?![\d/]|[.,]\d|\s*(?:de|des|du|del|della|dei|degli|das|dos|da|van|der|of)\b)/giu,
    (m) => (isDayAndMonth(m[1]!, m[2]!) && !isCommonFraction(m[1]!, m[2]!) ? whole(m) : null),
  ),
  // "adm 3/14", "seen 14/3", "DOB: 3/14": a day and month without the year after a word that dates it
  // (not 2/7, 6/52, 3/12, which are days, weeks and months in British notes, nor "3/14 nodes")
  regexDetector(
    "date",
    /\b(?:adm(?:itted)?|seen|reviewed|d\/c|discharged|dob|d\.o\.b\.?|born|since|dated)\.?:?\s+(?:on\s+)?(\d{1,2})\/(\d{1,2})(?![\d/.,]|\s*(?:ago|hx|of|nodes?|cores?|positive|dose)\b)/gi,
    (m) => (validDayMonth(Number(m[1]), Number(m[2])) && !["7", "52", "12"].includes(m[2]!) ? whole(m) : null),
  ),
  // "de 03/11 a 07/11", "van 03-11 tot 07-11", "du 3/11 au 7/11": a stay from one day and month to another
  regexDetector(
    "date",
    /(?<![\d/.-])(\d{1,2})([/-])(\d{1,2})\s+(?:a|à|al|au|bis|tot|to|até|till?|-|–)\s+(\d{1,2})\2(\d{1,2})(?![\d/-]|[.,]\d)/g,
    (m) =>
      isDayAndMonth(m[1]!, m[3]!) &&
      isDayAndMonth(m[4]!, m[5]!) &&
      !isCommonFraction(m[1]!, m[3]!) &&
      !isCommonFraction(m[4]!, m[5]!) &&
      // (pain "3/10 to 7/10" is a score out of ten)
      !(m[3] === "10" && m[5] === "10" && !m[1]!.startsWith("0"))
        ? whole(m)
        : null,
  ),
  // "seen in ED on 14/02", "on 03/11": after "on", a day and a month written with two digits, the month's leading zero
  // or a day past twelve saying which is which (not "on 1/2 strength", "on 3/7 of antibiotics", "on 10/10")
  regexDetector("date", /\bon\s+(\d{1,2})\/(0[1-9]|1[0-2])(?![\d/]|[.,]\d|\s*(?:ago|of|hx|nodes?|doses?|strength)\b)/gi, (m) =>
    validDayMonth(Number(m[1]), Number(m[2])) && (m[2]!.startsWith("0") || Number(m[1]) > 12) ? whole(m) : null,
  ),
  // A meeting's day and month ("MDT 21/11:", "RCP du 18/11", "Tumorkonferenz vom 19.11.", "Reunião de tumores de 23/11",
  // "MDO 24-11"): a day past twelve or a month's leading zero says which is which
  regexDetector(
    "date",
    /\b(?:MDT|MDM|MDO|RCP|GOM|CMT|tumou?r board|board|meeting|r[ée]union|reuni[ãa]o(?: de tumores)?|reuni[óo]n|comit[ée](?: de tumores)?|comitato|Tumorkonferenz|Tumorboard|Konferenz|overleg|bespreking)\s+(?:du\s+|de\s+|del\s+|vom\s+|van\s+|of\s+|on\s+|dal\s+|d[eo]l\s+)?((\d{1,2})([/.-])(\d{1,2})\.?)(?![\d/-]|[.,]\d)/gi,
    // (not a score out of ten: "10/10")
    (m) =>
      isDayAndMonth(m[2]!, m[4]!) &&
      (m[4]!.startsWith("0") || Number(m[2]) > 12 || m[4]!.length === 2) &&
      !(m[4] === "10" && Number(m[2]) <= 10)
        ? groupSpan(m, 1)
        : null,
  ),
];

/**
 * A time next to a date is part of it ("03:40 on 12/05/2024", "2 June at
 * 11pm"): the finding covers both, so nothing of the moment is left behind.
 */
const TIME_BEFORE_DATE = new RegExp(`${TIME}\\s*(?:on|,)?\\s*(?:the\\s+)?$`, "i");
const TIME_AFTER_DATE = new RegExp(`^,?\\s*(?:at|@|,)?\\s*${TIME}`, "i");

const dateDetectors: Detector[] = [
  {
    type: "date",
    find(text) {
      const dates = calendarDates.flatMap((d) => d.find(text, () => null));
      return dates.map((d) => {
        const head = TIME_BEFORE_DATE.exec(text.slice(Math.max(0, d.start - 24), d.start));
        const tail = TIME_AFTER_DATE.exec(text.slice(d.end, d.end + 24));
        const start = head ? d.start - head[0].length : d.start;
        const end = tail ? d.end + tail[0].length : d.end;
        return { type: "date" as const, start, end, text: text.slice(start, end) };
      });
    },
  },
];

// ---------------------------------------------------------------- ages over 89

function over89(value: string): boolean {
  const n = Number(value);
  return n >= 90 && n <= 130;
}

const UNITS_WORDS = "(?:one|two|three|four|five|six|seven|eight|nine)";
/** Ninety to a hundred and thirty, in words. */
const AGE_WORDS_OVER_89 = `(?:ninety(?:[- ]${UNITS_WORDS})?|(?:a|one)[- ]hundred(?:(?:[- ]and)?[- ](?:${UNITS_WORDS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[- ]${UNITS_WORDS})?|thirty))?)`;

const ageDetectors: Detector[] = [
  regexDetector("age_over_89", /\b(\d{2,3})\s*[-‐ ]?\s*(?:years?|yrs?|y)\s*[-‐ /]?\s*(?:old|o)\b/gi, (m) =>
    over89(m[1]!) ? whole(m) : null,
  ),
  regexDetector("age_over_89", /\b(\d{2,3})\s*yo\b/gi, (m) => (over89(m[1]!) ? whole(m) : null)),
  regexDetector("age_over_89", /\b(?:aged?|age:)\s*(\d{2,3})\b(?!\s*(?:mg|kg|%|weeks?|months?|days?))/gi, (m) =>
    over89(m[1]!) ? whole(m) : null,
  ),
  // "a 92M", "96F" (age + sex shorthand)
  regexDetector("age_over_89", /\b(9\d|1[0-2]\d)\s?(?:M|F|yo[mf])\b/g, whole),
  // decades: "in her 90s", "(90s)"; "in her 30s" is fine
  regexDetector("age_over_89", /(?:\bin (?:his|her|their) (?:early |mid-?|late )?|\()(?:9|1[0-2])0s\b/g),
  // written out: "ninety-two-year-old", "aged ninety-three", "a hundred and one year old", "in her nineties"
  regexDetector("age_over_89", new RegExp(`\\b${AGE_WORDS_OVER_89}[- ](?:years?|yrs?)[- ]old\\b`, "gi")),
  regexDetector("age_over_89", new RegExp(`\\b(?:aged?|age:)\\s*${AGE_WORDS_OVER_89}\\b`, "gi")),
  regexDetector("age_over_89", /\bin (?:his|her|their) (?:early |mid-?|late )?(?:nineties|hundreds)\b/gi),
  regexDetector("age_over_89", /\b(?:nonagenarian|(?:super)?centenarian)s?\b/gi),
  // "she turned ninety-four", "turns 101", "reached ninety", "she is ninety-eight": a birthday is an age, a reading
  // ("reached 95 µmol/L") is not, nor a number in digits after "is" ("HR is 98")
  regexDetector(
    "age_over_89",
    new RegExp(
      `\\b(?:(?:turned|turns|turning|celebrated|celebrates|celebrating)\\s+(?:just\\s+|nearly\\s+|almost\\s+)?(\\d{2,3})|(?:turned|turns|turning|reached|reaches|celebrated|celebrates|celebrating|is|was|now)\\s+(?:just\\s+|nearly\\s+|almost\\s+)?${AGE_WORDS_OVER_89})\\b(?![- ]?(?:%|\\/|\\.\\d|,\\d|[µu]|percent|per cent|mg|mcg|ml|mmol|nmol|pmol|meq|mmhg|kg|g\\b|l\\b|ng|pg|iu|cm|mm|minutes?|mins?|seconds?|hours?|days?|weeks?|bpm|beats|breaths|units|degrees|times|points))`,
      "gi",
    ),
    (m) => (m[1] !== undefined && !over89(m[1]) ? null : whole(m)),
  ),
  // "a gentleman of 94", "woman of ninety"
  regexDetector(
    "age_over_89",
    new RegExp(
      `\\b(?:man|woman|gentleman|lady|patient|pt|resident|grandmother|grandfather)\\s+of\\s+(\\d{2,3}|${AGE_WORDS_OVER_89})\\b(?!\\s*(?:kg|mg|%|cm|kilos?|pounds|lbs?|stone))`,
      "gi",
    ),
    (m) => (/^\d+$/.test(m[1]!) && !over89(m[1]!) ? null : whole(m)),
  ),
];

/** A device's serial number, in the network's languages ("n° de série", "Seriennummer", "matricola", "serienummer"). */
const SERIAL_LABELS =
  "\\b(?:serial(?:\\s+(?:number|no\\.?))?|S\\/N|SN|device (?:id|number)|IMEI|UDI|MAC address|lot(?:\\s+(?:number|no\\.?))?|n[°o]\\s*de\\s+s[ée]rie|num[ée]ro de s[ée]rie|Seriennummer|Serien-?Nr\\.?|n[úu]mero de s[ée]rie|n[°º]\\s*de\\s+s[ée]rie|matricola|numero di serie|n\\.\\s*di\\s+serie|serienummer|serienr\\.?)";
const SERIAL_LABEL_BEFORE = new RegExp(`${SERIAL_LABELS}\\s*[:#]?\\s*$`, "i");

/** ISO 13616: the country and check digits moved to the end, letters as 10-35, the whole number modulo 97 is 1. */
function ibanValid(value: string): boolean {
  const iban = value.replace(/ /g, "");
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = `${iban.slice(4)}${iban.slice(0, 4)}`;
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

// ---------------------------------------------------------------- contact details

/** The match without the full stop or comma that ends its sentence. */
const withoutTrailingPunctuation = (m: RegExpExecArray) => ({ start: m.index, end: m.index + m[0].replace(/[.,;:!?]+$/, "").length });

const contactDetectors: Detector[] = [
  regexDetector("email", /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g),
  // Written so that robots miss it: "jean.dupont[at]gmail.com", "k.weber(at)gmx.de", "lucia.perez(arroba)gmail.com",
  // "g.bianchi chiocciola alice.it", "t.maguire [at] gmail [dot] com", "jgarcia @ hotmail.es" (not "Control @ 3 meses",
  // nor "admitted at Leeds. It was", where a full stop ends the sentence)
  regexDetector(
    "email",
    /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*(?:\s*[[(]\s*(?:at|AT|ät|arroba|chiocciola|apenstaartje)\s*[\])]\s*|\s+@\s+|\s+(?:at|arroba|chiocciola)\s+)[A-Za-z0-9-]+(?:(?:\.|\s*[[(]dot[\])]\s*|\s(?:dot|punto|point|ponto|punt)\s)[A-Za-z0-9-]+)*?(?:\.|\s*[[(]dot[\])]\s*|\s(?:dot|punto|point|ponto|punt)\s)(?:com|org|net|info|io|eu|fr|de|es|it|nl|pt|br|be|ch|at|uk|ie|ca|au|in|nz)(?:\.[a-z]{2})?(?![\w-])/g,
  ),
  regexDetector("url", /\b(?:https?:\/\/|www\.)[^\s<>"')\]]+/gi, withoutTrailingPunctuation),
  // A bare domain with a path, or of four letters and more, under a common top-level domain ("youtube.com/@pacolucha",
  // "gofundme.com", "carnet-de-marie.fr"): not "e.g.", "mg.dl" or "Pt.de"
  regexDetector(
    "url",
    /(?<![\w@./-])(?:[a-z0-9-]+\.)*([a-z0-9-]{2,})\.(?:com|org|net|info|io|me|tv|social|eu|fr|de|es|it|nl|pt|br|be|ch|at|uk|ie|ca|au|in|nz)(?:\.[a-z]{2})?(\/[^\s<>"')\]]*)?(?![\w@-])/g,
    (m) => (!m[2] && m[1]!.length < 4 ? null : withoutTrailingPunctuation(m)),
  ),
  // IPv4 with every octet in range
  regexDetector("ip", /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/g, (m) =>
    [m[1], m[2], m[3], m[4]].every((o) => Number(o) <= 255 && !/^0\d/.test(o!)) ? whole(m) : null,
  ),
  regexDetector("ip", /\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:?){1,6}\b/gi, (m) =>
    /[0-9]/.test(m[0]) && m[0].split(":").length >= 4 ? whole(m) : null,
  ),
  // International: +44 20 7946 0958, +1-202-555-0143
  regexDetector("phone", /(?<![\w+])\+\d{1,3}[\s.-]?(?:\(0?\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,4}\b/g, (m) => {
    const digits = m[0].replace(/\D/g, "").length;
    return digits >= 9 && digits <= 15 ? whole(m) : null;
  }),
  // North American: (555) 014-2298, 202-555-0143, 202.555.0143
  regexDetector("phone", /(?:\(\d{3}\)\s?|(?<![\d-])\b\d{3}[-.])\d{3}[-.\s]\d{4}\b(?![-.]\d)/g),
  // UK national: 07700 900461, 020 7946 0958, 0113 496 0000 (10 or 11 digits from a leading 0)
  regexDetector("phone", /(?<![\d/.])\b0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b(?![\d/.])/g, (m) => {
    const digits = m[0].replace(/\D/g, "").length;
    return digits === 10 || digits === 11 ? whole(m) : null;
  }),
  // labelled numbers: "tel 4917 2231", "phone: 555 0199"
  regexDetector(
    "phone",
    /\b(?:tel(?:ephone)?|phone|mobile|cell|fax|pager|bleep)\s*(?:no\.?|number|#)?\s*[:.]?\s*(\+?\d[\d\s().-]{5,}\d)/gi,
    (m) => groupSpan(m, 1),
  ),
];

// ---------------------------------------------------------------- places

const STREET_TYPES =
  "(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Court|Ct|Place|Pl|Crescent|Cres|Way|Boulevard|Blvd|Terrace|Tce|Gardens|Gdns|Grove|Square|Sq|Row|Mews|Parade|Walk|Highway|Hwy|Circle|Cir|Park|View|Rise|Hill)";
const US_STATES =
  "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR";

const placeDetectors: Detector[] = [
  regexDetector("address", new RegExp(`\\b\\d{1,5}[A-Za-z]?,?\\s+(?:[A-Z][a-z']+\\s+){1,3}${STREET_TYPES}\\.?\\b`, "g")),
  regexDetector("address", /\b(?:P\.?\s?O\.?\s?Box|Flat|Apartment|Apt\.?|Unit)\s+\d+[A-Z]?\b/g),
  // UK postcodes (all six outward/inward shapes)
  regexDetector(
    "postcode",
    /\b(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)\s?[0-9][ABD-HJLNP-UW-Z]{2}\b/g,
  ),
  // US ZIP codes after a state or a ZIP label
  regexDetector("postcode", new RegExp(`\\b(?:${US_STATES.split(" ").join("|")}),?\\s+(\\d{5}(?:-\\d{4})?)\\b`, "g"), (m) =>
    groupSpan(m, 1),
  ),
  regexDetector("postcode", /\b(?:zip|zip code|postal code|postcode)\s*[:#]?\s*(\d{5}(?:-\d{4})?)\b/gi, (m) => groupSpan(m, 1)),
];

// ---------------------------------------------------------------- numbers with rules

/** NHS and CHI numbers: 10 digits, the last a modulus-11 check digit. */
export function nhsCheckDigitValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** SSNs in issued ranges: area not 000, 666 or 900-999; group not 00; serial not 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== "00" && serial !== "0000";
}

const MBI_LETTER = "[AC-HJKMNP-RT-Y]";

/** What precedes a record number: MRN, MR#, Hosp No, Unit No, Case #, Acc#, Enc, K number, FIN, Visit # ... */
const RECORD_LABELS = [
  "MRN",
  "MR\\s*(?:#|no\\.?|number)",
  "medical record(?:\\s+(?:number|no\\.?|#))?",
  "hosp(?:ital)?\\.?\\s*(?:number|no\\.?|#|id)",
  "(?:unit|record|chart|case|visit|admission|patient|encounter)\\s*(?:number|no\\.?|#|id)",
  "acc(?:ession)?\\.?\\s*(?:number|no\\.?|#)",
  "Acc#",
  "Enc(?:ounter)?",
  "K\\s*(?:number|no\\.?)",
  "RXR(?:\\s*(?:number|no\\.?))?",
  "URN",
  "FIN",
  "CRN",
].join("|");
// (up to four letters first: Spain's CIP is GAMA750312811019)
const RECORD_VALUE = "[A-Z]{0,4}-?\\d[\\dA-Z-]{3,}";

const numberDetectors: Detector[] = [
  regexDetector("ssn", /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g, (m) => (ssnValid(m[1]!, m[3]!, m[4]!) ? whole(m) : null)),
  regexDetector("ssn", /\b(?:SSN|social security(?: number| no\.?)?)\s*[:#]?\s*(\d{3})-?(\d{2})-?(\d{4})\b/gi, (m) =>
    ssnValid(m[1]!, m[2]!, m[3]!) ? whole(m) : null,
  ),
  // NHS / CHI: grouped 3-3-4 anywhere, or ten digits after a label
  regexDetector("nhs_number", /(?<![\d-])(\d{3})([ -])(\d{3})\2(\d{4})(?![\d-])/g, (m) =>
    nhsCheckDigitValid(`${m[1]}${m[3]}${m[4]}`) ? whole(m) : null,
  ),
  regexDetector("nhs_number", /\b(?:NHS|CHI|H&C)\s*(?:number|no\.?|#)?\s*[:#(]?\s*(?:is\s+)?(\d{10})\b/gi, (m) =>
    nhsCheckDigitValid(m[1]!) ? groupSpan(m, 1) : null,
  ),
  // New Zealand's National Health Index: ABC1234, or the newer ABC12DE (I and O are never used)
  regexDetector(
    "health_number",
    /\bNHI(?:\s*(?:number|no\.?|#))?\s*[:#]?\s*([A-HJ-NP-Z]{3}\s?\d{4}|[A-HJ-NP-Z]{3}\s?\d{2}[A-HJ-NP-Z]{2})\b/g,
    (m) => groupSpan(m, 1),
  ),
  // US Medicare Beneficiary Identifier: a strict 11-character format
  regexDetector(
    "health_number",
    new RegExp(`\\b[1-9]${MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\\d-?${MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\\d-?${MBI_LETTER}{2}\\d{2}\\b`, "g"),
  ),
  regexDetector(
    "health_number",
    /\b(?:medicare|medicaid|(?<!social\s)insurance|health card|OHIP|carte vitale|IHI)\s*(?:card\s*)?(?:number|no\.?|#|id)?\s*[:#]?\s*([A-Z]{0,3}\d[\dA-Z -]{6,}\d)\b/gi,
    (m) => groupSpan(m, 1),
  ),
  // Italy's health card (tessera sanitaria, TEAM): twenty digits, 80 for health and 380 for Italy first
  regexDetector("health_number", /(?<![\d-])(80380\d{15}|80 ?380 ?\d{5} ?\d{5} ?\d{5})(?![\d-]|[.,]\d)/g, (m) => groupSpan(m, 1)),
  // Labelled record numbers, in the forms clinicians abbreviate them to (with or without a colon, #, or space)
  regexDetector("mrn", new RegExp(`(?<![A-Za-z])(?:${RECORD_LABELS})\\s*(?:[:#.=-]\\s*)*(${RECORD_VALUE})`, "gi"), (m) =>
    (m[1]!.match(/\d/g)?.length ?? 0) >= 4 ? groupSpan(m, 1) : null,
  ),
  // Bare hospital numbers: a trust's letter prefix and 6-8 digits (K4471290, RJ10918273), or a number with leading zeros
  // (0048291736); not a device's serial number after its label, nor what a physician cites: a trial's registration
  // (NCT04280705, KCT0001234), a PubMed Central article (PMC7092803), a data set (GSE123456, SRR1234567)
  regexDetector("mrn", /(?<![\w-])(?!NCT|KCT|PMC|GSE|GSM|GPL|SRR|ERR|DRR|SRX|SRP|ERP)(?:[A-Z]{1,3}\d{6,8}|00\d{6,8})(?![\w-])/g, (m) =>
    SERIAL_LABEL_BEFORE.test(m.input.slice(Math.max(0, m.index - 32), m.index)) ? null : whole(m),
  ),
  // An IBAN of any country: two letters, two check digits and the account, grouped in fours or not, passing ISO 7064 mod 97
  regexDetector("account", /(?<![\w-])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![\w-])/g, (m) =>
    ibanValid(m[1]!) ? groupSpan(m, 1) : null,
  ),
  regexDetector(
    "account",
    /\b(?:account|acct?\.?|a\/c|policy|member(?:ship)?|billing|invoice|claim|compte|Konto(?:nummer)?|cuenta|conto(?: corrente)?|conta(?: corrente)?|rekening(?:nummer)?)\s*(?:number|no\.?|#|id|n[°º.o])?\s*[:#]?\s*([A-Z]{0,3}\d[\dA-Z-]{4,})/gi,
    (m) => groupSpan(m, 1),
  ),
  regexDetector(
    "vehicle",
    /\b(?:registration|reg(?:istration)?\.?\s*(?:no\.?|number|plate)|(?:number|licen[cs]e)\s+plate|plate(?:\s+number)?|VIN)\s*[:#]?\s*([A-Z0-9]{1,4}[ -]?[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,9})?)\b/g,
    (m) => (/\d/.test(m[1]!) && /[A-Z]/.test(m[1]!) ? groupSpan(m, 1) : null),
  ),
  regexDetector("device", new RegExp(`${SERIAL_LABELS}\\s*[:#]?\\s*([A-Z0-9][A-Z0-9:-]{4,})`, "gi"), (m) =>
    /\d/.test(m[1]!) ? groupSpan(m, 1) : null,
  ),
];

/** Phone numbers (libphonenumber-js), postcodes, addresses and plates of the network's other countries. */
const internationalDetector: Detector = {
  type: "phone",
  find: (text) => findPlaces(text).map((m) => ({ type: m.type, start: m.start, end: m.end, text: text.slice(m.start, m.end) })),
};

/** National identity, tax and health-insurance numbers of the network's countries, each by its check digits. */
const nationalIdDetector: Detector = {
  type: "national_id",
  find: (text) => findNationalIds(text).map((m) => ({ type: "national_id", start: m.start, end: m.end, text: text.slice(m.start, m.end) })),
};

// ---------------------------------------------------------------- the network's other languages (languages.ts)

const STARTS_CAPITALISED = new RegExp(`^${CAPITAL}`);

/** The span of the capitalised words at the start of a case-insensitive name match ("Anne dit que" keeps "Anne"). */
function capitalisedSpan(m: RegExpExecArray, group: number): { start: number; end: number } | null {
  const value = m[group]!;
  if (!STARTS_CAPITALISED.test(value) || !isName(value)) return null;
  const words = value.split(/\s+/);
  const stop = words.findIndex((w) => !STARTS_CAPITALISED.test(w) || CLINICAL_WORDS.has(w) || NOT_NAMES.has(w));
  const kept = stop === -1 ? words : words.slice(0, stop);
  if (kept.length === 0) return null;
  const span = groupSpan(m, group)!;
  return { start: span.start, end: span.start + kept.join(" ").length };
}

const DAY_NUM = "(?:[1-9]|[12]\\d|3[01]|0[1-9])(?:\\.|er|º|°|ª)?";
/** Month abbreviations of the network's languages that are words too, as written in lower case (English "may", "out", "set", "dec"; Spanish "mar"). */
const MONTHS_THAT_ARE_WORDS = new Set(["ago", "out", "set", "may", "mar", "dec"]);

const multilingualDetectors: Detector[] = [
  // "la patiente Élodie Marchand", "Patientin Anna Schütz", "paciente: Ángela Ruiz", "de patiënt Jan de Vries"
  regexDetector("name", new RegExp(`${WORD_START}${ALL_PATIENTS}\\s*[:,-]?\\s+(${NAME})`, "gi"), (m) => capitalisedSpan(m, 1)),
  // "sa fille Claire", "die Tochter Anna", "su hija Lucía", "la figlia Giulia", "a filha Ana", "de dochter Eva"
  regexDetector("name", new RegExp(`${WORD_START}${ALL_RELATIVES}(?:,\\s*|\\s+)(${NAME})`, "gi"), (m) => capitalisedSpan(m, 1)),
  // "die Mutter von Lukas Grünewald", "la madre de Iker", "de moeder van Daan": whose relative, when the name is one we know
  // ("Mutter von Zwillingen" is not)
  regexDetector("name", new RegExp(`${WORD_START}${ALL_RELATIVES}\\s+(?:von|de|di|da|do|van|of)\\s+(${NAME})`, "gi"), (m) => {
    const first = m[1]!.split(/\s+/)[0]!;
    return isGivenName(first, true) || isSurname(first) ? capitalisedSpan(m, 1) : null;
  }),
  // "le 3 mars 2024", "am 3. März", "15 de agosto de 2023", "il 5 maggio", "op 3 maart", "dia 2 de junho"
  // (not "4 out of 10", "stage 3 may need", "2/7 ago": an abbreviated month that is also a word, in lower case,
  // is a month only with its full stop or its year, and a day is never the bottom of a fraction)
  regexDetector(
    "date",
    new RegExp(
      `${WORD_START}(?<![\\d/])${DAY_NUM}\\s*(?:de\\s+|del\\s+)?(${ALL_MONTHS})(\\.)?(\\s+(?:de\\s+|del\\s+)?(?:19|20)\\d{2})?${WORD_END}`,
      "gi",
    ),
    (m) => (MONTHS_THAT_ARE_WORDS.has(m[1]!) && !m[2] && !m[3] ? null : whole(m)),
  ),
  // "am dritten Mai", "le premier avril", "el primero de mayo"
  regexDetector("date", new RegExp(`${WORD_START}${ALL_ORDINAL_DAYS}\\s+(?:de\\s+)?${ALL_MONTHS}${WORD_END}`, "gi")),
  // "am 3.3.", "vom 14.02. bis zum 18.02.": German day and month without the year, after the words a date takes
  regexDetector("date", /(?<![\p{L}])(?:am|vom|bis zum|seit dem|ab dem|zum)\s+(\d{1,2})\.(\d{1,2})\.(?!\d)/gu, (m) =>
    isDayAndMonth(m[1]!, m[2]!) ? whole(m) : null,
  ),
  // "en agosto de 2023", "im März 2023", "mars 2021": a month and its year is more than a year
  regexDetector("date", new RegExp(`${WORD_START}${ALL_MONTHS}\\.?\\s+(?:de\\s+|del\\s+)?(?:19|20)\\d{2}${WORD_END}`, "gi")),
  // "92 ans", "93 Jahre alt", "91-jährige", "94 años", "95 anni", "96 anos", "97 jaar"
  regexDetector("age_over_89", new RegExp(`${WORD_START}(\\d{2,3})\\s*-?\\s*${ALL_YEARS_WORDS}${WORD_END}`, "gi"), (m) =>
    over89(m[1]!) ? whole(m) : null,
  ),
  // "91a", "95 a.", "96 aa", "93 jr", "92 J.", "92-j.": years shortened to a letter or two, only where that can be nothing else
  // (not a lower-case "j", which is French for days)
  // (or "(93 a)", the letter alone before the bracket closes; "91enne", Italian's "-year-old")
  regexDetector(
    "age_over_89",
    /(?<![\d.,/])(\d{2,3})(?:(?:a|aa|jr)(?![\p{L}\d])|\s?(?:a\.|aa\.?|jr\.?|J\.)|-j\.|\s(?:a|aa|jr|J)(?=\))|-?enne(?!\p{L}))/gu,
    (m) => (over89(m[1]!) ? whole(m) : null),
  ),
  // "Alter: 94", "Âge : 96", "Leeftijd: 95": the word for age and its number
  regexDetector(
    "age_over_89",
    /(?<![\p{L}])(?:Alter|Âge|Age|Edad|Età|Idade|Leeftijd|alter|âge|edad|età|idade|leeftijd)\s*:\s*(\d{2,3})(?![\d.,]\d|\s*(?:%|kg|mg|cm|mm|mmHg))/gu,
    (m) => (over89(m[1]!) ? whole(m) : null),
  ),
  // "un homme de quatre-vingt-treize", "varón de 94", "een man van drieënnegentig": a person of an age, with no word for years
  regexDetector(
    "age_over_89",
    new RegExp(
      `${WORD_START}(?:homme|femme|dame|monsieur|patiente?|var[óo]n|hombre|mujer|señora?|paciente|uomo|donna|signora?|homem|mulher|senhora?|Mann|Frau|Herr|Dame|Patientin|Patient|man|vrouw|heer|pati[ëe]nte?)\\s+(?:de|di|da|von|van)\\s+(\\d{2,3}|${ALL_AGES_OVER_89})${WORD_END}(?!\\s*(?:kg|mg|%|cm|kilos?|Kilo|livres|libras|chili|quilos|pond))`,
      "gi",
    ),
    (m) => (/^\d+$/.test(m[1]!) && !over89(m[1]!) ? null : whole(m)),
  ),
  // "quatre-vingt-douze ans", "neunzigjährig", "noventa y un años", "novantadue anni", "noventa e dois anos", "tweeënnegentig jaar"
  regexDetector("age_over_89", new RegExp(`${WORD_START}${ALL_AGES_OVER_89}\\s*-?\\s*${ALL_YEARS_WORDS}${WORD_END}`, "gi")),
  // Italian glues "-enne" to the number in words, eliding its vowel: "novantenne", "novantaduenne", "novantottenne", "centenne"
  regexDetector(
    "age_over_89",
    /(?<![\p{L}])(?:ultra)?(?:novant(?:un|adu|atre|aquattr|acinqu|asei|asett|ott|anov)?|cent(?:ouno|odue)?)enn[ei](?![\p{L}])/giu,
  ),
  // "IPP 80012345", "Fallnummer: 4711234", "NHC 1234567", "cartella clinica n. 2024/001234", "SDO n. 2024/00876", "prontuário 123456", "UR 1234567", "UHID 10045678"
  regexDetector(
    "mrn",
    new RegExp(
      `${WORD_START}${ALL_RECORD_LABELS}\\s*(?:(?:n[°ºo]?|nr|no|num(?:ero|ber)?)\\.?\\s*)?(?:[:#.=-]\\s*)*(\\d{1,4}(?:/\\d+){1,2}|${RECORD_VALUE}(?:/\\d+){0,2})`,
      "gi",
    ),
    (m) => ((m[1]!.match(/\d/g)?.length ?? 0) >= 4 ? groupSpan(m, 1) : null),
  ),
];

/** "M. Rousseau" (Monsieur) in French; in German "M." is Morbus ("M. Scheuermann"), so not there. */
const MONSIEUR = new RegExp(`(?<![\\w.])M\\.\\s?((?:${PARTICLES}\\s+){0,2})(${NAME})`, "g");
const monsieurDetector = regexDetector("name", MONSIEUR, (m, language) => (isName(m[2]!) && language() !== "de" ? whole(m) : null));

/**
 * Someone asked for by name: "ask for Agnes", "demander Odile", "chiedere di Ornella", "nach Irmgard fragen". A given name we
 * know, anywhere; in the languages that capitalise only names, any name-shaped word (a nickname: "vragen naar Riek"); in
 * German, where nouns are capitalised too, a known given name or surname ("nach Schmerzen fragen" is not one).
 */
/** Days of the week, capitalised at a sentence's start or by habit ("abbiamo visto Lunedì la TC"). */
const WEEKDAY_WORDS = new Set(
  "Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Lunes Martes Miércoles Jueves Viernes Sábado Domingo Lunedì Martedì Mercoledì Giovedì Venerdì Sabato Domenica Segunda Terça Quarta Quinta Sexta Maandag Dinsdag Woensdag Donderdag Vrijdag Zaterdag Zondag".split(
    " ",
  ),
);
/** A hospital's department, asked for as a person is ("contattare Cardiologia", "falar com Medicina"). */
const DEPARTMENT =
  /(?:log[ií]a|logie|iatr[ií]a|iatrie)$|^(?:Medicina|Chirurgia|Cirug[ií]a|Cirurgia|Chirurgie|Anestesia|Anestesiologia|Rianimazione|Farmacia|Farm[áa]cia|Apotheek|Laboratorio|Laborat[óo]rio|Emerg[êe]ncia|Urg[êe]ncia|Triagem|Triage|Enfermer[ií]a|Enfermagem|Infermeria|Portineria|Recepci[óo]n|Recep[çc][ãa]o|Secretaria|Segreteria|Balie|Polikliniek|Spoedpost)$/u;
// (an article may come between, as Portuguese and Italian write it: "liguei para a Luana")
const ASKS_FOR_BEFORE = new RegExp(`${WORD_START}${ALL_ASKS_FOR_BEFORE}\\s+(?:(?:a|o|la|il|el|le)\\s+)?(${NAME})`, "gi");
const ASKS_FOR_AROUND_RES = ASKS_FOR_AROUND.map(
  ([before, after]) => new RegExp(`${WORD_START}${before}\\s+(${NAME})\\s+${after}${WORD_END}`, "gi"),
);
const askedForByName: Detector = {
  type: "name",
  find(text, language) {
    const out: PhiFinding[] = [];
    for (const re of [ASKS_FOR_BEFORE, ...ASKS_FOR_AROUND_RES]) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const span = capitalisedSpan(m, 1);
        // (not the first part of a compound: "vimos Raio-X")
        if (!span || text[span.end] === "-") continue;
        const first = text.slice(span.start, span.end).split(/\s+/)[0]!;
        const lang = language();
        const known = isGivenName(first, true) || (lang === "de" && isSurname(first));
        const nameShaped =
          lang !== null &&
          lang !== "en" &&
          lang !== "de" &&
          !NOT_NAMES.has(first) &&
          !MONTH_WORDS.has(first) &&
          !WEEKDAY_WORDS.has(first) &&
          !DEPARTMENT.test(first);
        if (known || nameShaped) out.push({ type: "name", start: span.start, end: span.end, text: text.slice(span.start, span.end) });
      }
    }
    return out;
  },
};

/**
 * A couple or a family by their surname: "die Eheleute Kowalczyk", "i coniugi Bertolini", "o casal Figueiredo", "M. et Mme
 * Nguyen". In German, where nouns are capitalised, a surname we know ("Familie Angehörige" is not one).
 */
const COUPLE = new RegExp(`${WORD_START}${ALL_COUPLES}\\s+((?:${PARTICLES}\\s+){0,2})(${NAME_WORD})`, "g");
const couplesByName = regexDetector("name", COUPLE, (m, language) => {
  const surname = m[2]!;
  if (!isName(surname) || notAName(surname) || (language() === "de" && !isSurname(surname))) return null;
  return { start: m.index + m[0].length - surname.length - m[1]!.length, end: m.index + m[0].length };
});

/** A family by its surname in the plural, as English writes it: "the Hendersons (his parents)", "the O'Briens'". */
const FAMILY_PLURAL = /(?<![\p{L}])[Tt]he ((?:O['’]|Ma?c)?\p{Lu}\p{Ll}{3,})s\b(?!-)/gu;
const familiesByName = regexDetector("name", FAMILY_PLURAL, (m, language) => {
  const surname = m[1]!;
  const known = isSurname(surname) || (isGivenName(surname, false) && /(?:son|sen|ton|ley|ford|field|wood|man|er)$/.test(surname));
  return language() === "en" && known && !notAName(surname) ? groupSpan(m, 1) : null;
});

/** Accents and case set aside, as notes typed in a hurry or by systems without them write names ("mme lefevre", "herr muller"). */
const fold = (word: string) => word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
let foldedNames: Set<string> | null = null;
function isFoldedSurnameOrGivenName(word: string): boolean {
  foldedNames ??= new Set([...SURNAMES, ...GIVEN_NAMES].filter((w) => !notAName(w)).map(fold));
  return foldedNames.has(fold(word));
}
/**
 * A title and a name all in lower case ("pt mrs jones", "sig. rossi", "mevr jansen"). Not "mr", "ms", "dr" or "miss",
 * which are mitral regurgitation, multiple sclerosis, a dose and a verb in lower-case notes.
 */
const LOWER_CASE_TITLED = new RegExp(
  `(?<![\\p{L}.])(?:mrs|mme|mlle|madame|monsieur|herrn?|frau|sr\\.|sra\\.?|srta\\.?|señora|señor|sig\\.(?:ra|na)?|signora|signor|senhora|senhor|dona|dhr\\.?|mevr\\.?|mw\\.|mevrouw|meneer)\\s+((?:${PARTICLES}\\s+){0,2})(\\p{Ll}[\\p{Ll}'’-]{2,})`,
  "gu",
);
const lowerCaseTitledNames = regexDetector("name", LOWER_CASE_TITLED, (m) =>
  isFoldedSurnameOrGivenName(m[2]!) && !CLINICAL_WORDS.has(m[2]!) ? whole(m) : null,
);

export const DETECTORS: readonly Detector[] = [
  monsieurDetector,
  askedForByName,
  couplesByName,
  familiesByName,
  lowerCaseTitledNames,
  ...multilingualDetectors,
  cuelessNames,
  ...registerNames,
  ...nameDetectors,
  nationalIdDetector,
  internationalDetector,
  ...dateDetectors,
  ...ageDetectors,
  ...contactDetectors,
  ...placeDetectors,
  ...numberDetectors,
];
