import { DETECTORS, type PhiFinding, type PhiType } from "./detectors.ts";
import { type GuardLanguage, guardLanguage } from "./language.ts";
import { isNamedAfterSomeone, namesAnInstitution } from "./named-after-people.ts";

export type { PhiFinding, PhiType };

/**
 * When two findings overlap, the more specific one wins: a 3-3-4 number that
 * passes the NHS check digit is an NHS number, not a phone number.
 */
const PRIORITY: readonly PhiType[] = [
  "email",
  "url",
  "nhs_number",
  "ssn",
  "health_number",
  "national_id",
  "mrn",
  "account",
  "device",
  "vehicle",
  "ip",
  "date",
  "phone",
  "address",
  "postcode",
  "age_over_89",
  "name",
];

/** A label just before a number says what it is, whatever else its digits could be. */
const NUMBER_LABEL_BEFORE =
  /(?:BSN|burgerservicenummer|SIN|NAS|NHS|CHI|insurance|CPF|CNS|SUS|DNI|NIE|NIF|NIR|INSEE|Steuer-?ID|IdNr|KVNR|versichertennummer|Aadhaar|UID|OHIP|PAN|fiscale|number|no\.?|nr\.?|n[°º])\s*[:#]?\s*$/i;

/** Fediverse handles (@user@host) look like e-mail addresses but name a pseudonym. */
const HANDLE = /(?<![\w@])@[A-Za-z0-9_]{1,30}@[A-Za-z0-9.-]+(?::\d+)?/g;

/** The text's language, worked out on the first rule that asks for it (detection costs more than most checks). */
function lazyLanguage(text: string, declared: string | null | undefined): () => GuardLanguage | null {
  let lang: GuardLanguage | null | undefined;
  return () => (lang === undefined ? (lang = guardLanguage(text, declared)) : lang);
}

const NUMBER_TYPES: ReadonlySet<PhiType> = new Set(["national_id", "nhs_number", "ssn", "health_number"]);

/** Every identifier found in the text, in reading order, overlaps resolved; `language` as a status declares it (detected when absent). */
export function findPhi(text: string, language?: string | null): PhiFinding[] {
  return findIn(text, lazyLanguage(text, language));
}

function findIn(text: string, languageOf: () => GuardLanguage | null): PhiFinding[] {
  // A grouped number that is both a valid phone number of the text's country and passes an English-speaking
  // country's check digit (NHS 3-3-4, SIN 3-3-3, one in ten by chance) is read as the phone number outside English.
  const phones = new Set<string>();
  const rank = (f: PhiFinding) => {
    if (
      (f.type === "nhs_number" || f.type === "national_id") &&
      /[\s-]/.test(f.text) &&
      phones.has(`${f.start}:${f.end}`) &&
      !NUMBER_LABEL_BEFORE.test(text.slice(Math.max(0, f.start - 32), f.start))
    ) {
      const l = languageOf();
      if (l !== null && l !== "en" && !(l === "fr" && f.type === "national_id")) return PRIORITY.indexOf("phone") + 0.5;
    }
    return PRIORITY.indexOf(f.type);
  };
  const handles = [...text.matchAll(HANDLE)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  const found = DETECTORS.flatMap((d) => d.find(text, languageOf)).filter((f) => !handles.some((h) => f.start < h.end && h.start < f.end));
  // A date inside a street's name is the street's ("Av. Sete de Setembro, 1200", "Via XX Settembre 5").
  const addresses = found.filter((f) => f.type === "address");
  // A hospital or an eponym named after people is nobody's name ("Johns Hopkins", "Gustave Roussy", "Ramsay Hunt").
  const all = found.filter(
    (f) =>
      (f.type !== "date" || !addresses.some((a) => a.start <= f.start && f.end <= a.end)) &&
      (f.type !== "name" ||
        !(
          isNamedAfterSomeone(f.text, text.slice(Math.max(0, f.start - 48), f.end + 48)) ||
          namesAnInstitution(f.text, text.slice(f.end, f.end + 32))
        )),
  );
  for (const f of all) if (f.type === "phone") phones.add(`${f.start}:${f.end}`);
  // A number after a country's calling code (+34 612-345-678) is the phone number, whatever check digit it passes by chance.
  const dialled = all.filter((f) => f.type === "phone" && /^(?:\+|00|\(00)/.test(f.text));
  const numbers = all.filter((f) => !(NUMBER_TYPES.has(f.type) && dialled.some((p) => p.start < f.start && f.end <= p.end)));
  const ranks = new Map(numbers.map((f) => [f, rank(f)]));
  numbers.sort((a, b) => ranks.get(a)! - ranks.get(b)! || b.end - b.start - (a.end - a.start));
  const kept: PhiFinding[] = [];
  for (const finding of numbers) {
    if (kept.some((k) => finding.start < k.end && k.start < finding.end)) continue;
    kept.push(finding);
  }
  return kept.sort((a, b) => a.start - b.start);
}

const DESCRIPTIONS: Record<PhiType, string> = {
  name: "a person's name",
  date: "a date more specific than a year",
  age_over_89: "an age over 89",
  phone: "a phone number",
  email: "an e-mail address",
  address: "a street address",
  postcode: "a postcode or ZIP code",
  ssn: "a social security number",
  nhs_number: "an NHS number",
  national_id: "a national identity, tax or health insurance number",
  health_number: "a health insurance number",
  mrn: "a medical record number",
  account: "an account number",
  url: "a web address",
  ip: "an IP address",
  vehicle: "a vehicle registration",
  device: "a device serial number",
};

/** A finding in plain words, for the error a client shows. */
export function describeFinding(f: PhiFinding, field?: string): string {
  return `${DESCRIPTIONS[f.type]} ("${f.text}")${field ? ` in ${field.replace(/_/g, " ")}` : ""}`;
}

export interface FieldFinding extends PhiFinding {
  readonly field: string;
}

/** Checks several named texts at once (status, case fields, poll options ...), all in the one declared language. */
export function findPhiInFields(fields: Record<string, string | null | undefined>, language?: string | null): FieldFinding[] {
  // Detected once over all the fields, if a rule asks: a poll option ("Oui") says less about its language than its case.
  const languageOf = lazyLanguage(Object.values(fields).filter(Boolean).join("\n"), language);
  return Object.entries(fields).flatMap(([field, value]) => (value ? findIn(value, languageOf).map((f) => ({ ...f, field })) : []));
}

/** The sentence a Mastodon client shows when a post is blocked. */
export function phiErrorMessage(findings: readonly FieldFinding[]): string {
  const listed = findings.slice(0, 5).map((f) => describeFinding(f, f.field));
  const more = findings.length > 5 ? ` and ${findings.length - 5} more` : "";
  return `This may identify a patient: it contains ${listed.join("; ")}${more}. Remove or generalise these details (for example "in her 60s", "last spring") and try again.`;
}
