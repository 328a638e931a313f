/**
 * National identity, tax and health-insurance numbers of the countries on the
 * network, each held to its own check digits, so a lab value or a dose is not
 * taken for one.  A number is found written as people write it (with spaces,
 * dots or dashes between its groups); a bare run of digits only where the
 * scheme's length and check make a chance match unlikely, or after its label.
 */

export interface IdMatch {
  readonly start: number;
  readonly end: number;
}

const digitsOf = (s: string) => s.replace(/\D/g, "");

// ---------------------------------------------------------------- check digits

/** Luhn (Canadian SIN, Ontario health cards). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length > 1 && sum % 10 === 0;
}

/** French NIR (numéro de sécurité sociale): 13 characters and a key, 97 minus the number modulo 97 (Corsica 2A/2B counted as 19/18). */
export function nirValid(value: string): boolean {
  const compact = value.replace(/[\s.-]/g, "").toUpperCase();
  const m = /^([12]\d{4})(2A|2B|\d{2})(\d{6})(\d{2})$/.exec(compact);
  if (!m) return false;
  const month = Number(compact.slice(3, 5));
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || (month >= 50 && month <= 99))) return false;
  const body = `${m[1]}${m[2] === "2A" ? "19" : m[2] === "2B" ? "18" : m[2]}${m[3]}`;
  const number = BigInt(body) - (m[2] === "2A" ? 1000000n : m[2] === "2B" ? 2000000n : 0n);
  return 97n - (number % 97n) === BigInt(m[4]!);
}

/** German Steuer-ID: 11 digits, the last by ISO 7064 MOD 11,10; one digit appears twice or three times in the first ten. */
export function steuerIdValid(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  const counts = new Map<string, number>();
  for (const d of digits.slice(0, 10)) counts.set(d, (counts.get(d) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  let product = 10;
  for (const d of digits.slice(0, 10)) {
    let sum = (Number(d) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return (check === 10 ? 0 : check) === Number(digits[10]);
}

/** German Krankenversichertennummer: a letter and nine digits; the letter as 01-26, weights 1 and 2, cross sums, modulo 10. */
export function kvnrValid(value: string): boolean {
  const m = /^([A-Z])(\d{8})(\d)$/.exec(value.toUpperCase());
  if (!m) return false;
  const letter = String(m[1]!.charCodeAt(0) - 64).padStart(2, "0");
  const body = `${letter}${m[2]}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const p = Number(body[i]) * (i % 2 === 0 ? 1 : 2);
    sum += p > 9 ? Math.floor(p / 10) + (p % 10) : p;
  }
  return sum % 10 === Number(m[3]);
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI (8 digits and a letter) and NIE (X, Y or Z, 7 digits and a letter): the letter is the number modulo 23. */
export function dniValid(value: string): boolean {
  const compact = value.replace(/[\s.-]/g, "").toUpperCase();
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(compact);
  if (!m || (m[1] ? m[2]!.length !== 7 : m[2]!.length !== 8)) return false;
  const number = Number(`${m[1] ? "XYZ".indexOf(m[1]) : ""}${m[2]}`);
  return DNI_LETTERS[number % 23] === m[3];
}

const CF_ODD: Record<string, number> = Object.fromEntries(
  [..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"].map((c) => {
    const odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
    const i = /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
    return [c, odd[i]!];
  }),
);

/** Italian codice fiscale: 16 characters, the last a check letter from the odd and even positions' tables. */
export function codiceFiscaleValid(value: string): boolean {
  const cf = value.toUpperCase();
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(cf)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = cf[i]!;
    sum += i % 2 === 0 ? CF_ODD[c]! : /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

/** Dutch BSN: 9 digits passing the eleven-test (weights 9 … 2, and -1 for the last). */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0{3}/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

/** Brazilian CPF: 11 digits, two modulo-11 check digits; not all one digit. */
export function cpfValid(digits: string): boolean {
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false;
  const check = (n: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Number(digits[i]) * (n + 1 - i);
    const r = (sum * 10) % 11;
    return r === 10 ? 0 : r;
  };
  return check(9) === Number(digits[9]) && check(10) === Number(digits[10]);
}

/** Brazilian CNS (Cartão Nacional de Saúde): 15 digits starting 1, 2, 7, 8 or 9, weighted 15 … 1, a multiple of 11. */
export function cnsValid(digits: string): boolean {
  if (!/^[12789]\d{14}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += Number(digits[i]) * (15 - i);
  return sum % 11 === 0;
}

/** Canadian SIN: 9 digits, Luhn, not starting with 0 or 8. */
export function sinValid(digits: string): boolean {
  return /^[1-79]\d{8}$/.test(digits) && luhnValid(digits);
}

/** Australian Medicare: 10 digits (and an optional 11th, the position on the card); first 2-6; weights 1 3 7 9 1 3 7 9. */
export function medicareAuValid(digits: string): boolean {
  if (!/^[2-6]\d{9,10}$/.test(digits)) return false;
  const weights = [1, 3, 7, 9, 1, 3, 7, 9];
  const sum = weights.reduce((s, w, i) => s + w * Number(digits[i]), 0);
  return sum % 10 === Number(digits[8]);
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Indian Aadhaar: 12 digits, not starting 0 or 1, Verhoeff check digit. */
export function aadhaarValid(digits: string): boolean {
  if (!/^[2-9]\d{11}$/.test(digits)) return false;
  let c = 0;
  const reversed = [...digits].reverse();
  for (let i = 0; i < reversed.length; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(reversed[i])]!]!;
  return c === 0;
}

/** Indian PAN: five letters (the fourth says who holds it), four digits, a letter. */
export function panValid(value: string): boolean {
  return /^[A-Z]{3}[ABCFGHLJPTK][A-Z]\d{4}[A-Z]$/.test(value);
}

// ---------------------------------------------------------------- finding them

interface Scheme {
  /** How the number is written, grouped or not (a capture group holds it). */
  readonly pattern: RegExp;
  readonly valid: (value: string) => boolean;
}

/** Written forms: grouped with spaces, dots or dashes; a bare run where length and check suffice. */
const SCHEMES: readonly Scheme[] = [
  // NIR: 1 85 05 78 006 084 36, or 15 characters at once
  // (dashes too, and a full stop after it that ends the sentence)
  {
    pattern: /(?<![\w.-])([12][ .-]?\d{2}[ .-]?\d{2}[ .-]?(?:\d{2}|2[ABab])[ .-]?\d{3}[ .-]?\d{3}[ .-]?\d{2})(?![\w-]|\.\w)/g,
    valid: nirValid,
  },
  // Steuer-ID: 12 345 678 901 / 12.345.678.901 (bare 11 digits only after a label, below)
  { pattern: /(?<![\d.-])(\d{2}[ .]\d{3}[ .]\d{3}[ .]\d{3})(?![\d-]|\.\d)/g, valid: (v) => steuerIdValid(digitsOf(v)) },
  // Krankenversichertennummer: A123456780
  { pattern: /(?<![\w-])([A-Z]\d{9})(?![\w-])/g, valid: kvnrValid },
  // DNI 12345678Z, 12.345.678-Z; NIE X1234567L
  { pattern: /(?<![\w.-])((?:\d{8}|\d{2}\.\d{3}\.\d{3})[ -]?[A-Z]|[XYZ][ -]?\d{7}[ -]?[A-Z])(?![\w-])/g, valid: dniValid },
  // Codice fiscale: 16 characters
  {
    pattern: /(?<![\w-])([A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z])(?![\w-])/gi,
    valid: codiceFiscaleValid,
  },
  // BSN grouped: 1234.56.782 / 123 456 782 (the Dutch write it in threes or 4-2-3)
  { pattern: /(?<![\d.-])(\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d-]|\.\d)/g, valid: (v) => bsnValid(digitsOf(v)) },
  // CPF: 123.456.789-09, or 11 digits at once
  { pattern: /(?<![\d.-])(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{3} \d{3} \d{3} \d{2})(?![\d-]|\.\d)/g, valid: (v) => cpfValid(digitsOf(v)) },
  // CNS: 15 digits, or 3 groups of 4 and one of 3 (700 0000 0000 0000 style)
  { pattern: /(?<![\d.-])(\d{15}|\d{3} \d{4} \d{4} \d{4})(?![\d-]|\.\d)/g, valid: (v) => cnsValid(digitsOf(v)) },
  // SIN grouped: 123 456 782 / 123-456-782
  { pattern: /(?<![\d.-])(\d{3}[ -]\d{3}[ -]\d{3})(?![\d-]|\.\d)/g, valid: (v) => sinValid(digitsOf(v)) },
  // Australian Medicare: 2123 45670 1
  { pattern: /(?<![\d.-])([2-6]\d{3} \d{5} \d(?:[ -]?\d)?)(?![\d-]|\.\d)/g, valid: (v) => medicareAuValid(digitsOf(v)) },
  // Aadhaar: 2345 6789 0123, or 12 digits at once
  { pattern: /(?<![\d.-])([2-9]\d{3}[ -]?\d{4}[ -]?\d{4})(?![\d-]|\.\d)/g, valid: (v) => aadhaarValid(digitsOf(v)) },
  // PAN: ABCPD1234E
  { pattern: /(?<![\w-])([A-Z]{5}\d{4}[A-Z])(?![\w-])/g, valid: panValid },
];

/** Labels that say the number after them is one of these, in the languages of the network. */
const LABEL =
  /\b(?:NIR|INSEE|n[°o]\s*(?:de\s+)?s[ée]cu(?:rit[ée] sociale)?|num[ée]ro de s[ée]cu(?:rit[ée] sociale)?|Steuer-?ID|Steuer-?IdNr|IdNr|Steueridentifikationsnummer|KVNR|(?:Kranken)?versichertennummer|(?:Kranken)?versichertennr|DNI|NIE|NIF|codice fiscale|C\.?F\.?|BSN|burgerservicenummer|sofinummer|sofi-nummer|C\.?P\.?F|CPF|CNS|cart[ãa]o (?:SUS|nacional de sa[úu]de)|SIN|NAS|social insurance (?:number|no\.?)|num[ée]ro d'assurance sociale|Aadhaar|UID|PAN|OHIP|health card)(?![\p{L}])\.?\s*(?:number|no\.?|n[°o]|nr\.?|#)?\s*[:#(]?\s*(?:(?:is|est(?: le)?|es(?: el)?|è|é|ist|lautet|was)\s+)?([A-Z0-9][A-Z0-9 .-]{6,22}[A-Z0-9])/giu;

const ANY_VALID = (value: string): boolean => {
  const d = digitsOf(value);
  const compact = value.replace(/[\s.-]/g, "").toUpperCase();
  return (
    nirValid(value) ||
    steuerIdValid(d) ||
    kvnrValid(compact) ||
    dniValid(value) ||
    codiceFiscaleValid(compact) ||
    bsnValid(d) ||
    cpfValid(d) ||
    cnsValid(d) ||
    sinValid(d) ||
    medicareAuValid(d) ||
    aadhaarValid(d) ||
    panValid(compact) ||
    // A labelled provincial health card (Ontario: 10 digits, Luhn; a version code may follow).
    (/^\d{10}(?:[A-Z]{2})?$/.test(compact) && luhnValid(compact.slice(0, 10))) ||
    // A labelled SIN: Luhn over nine digits, whatever the first (the published specimen 046 454 286 starts with 0).
    (/^\d{9}$/.test(d) && luhnValid(d))
  );
};

/**
 * Labels that cannot mean anything else: the number after them identifies its
 * holder even when a digit is mistyped and its check fails.  (Short labels,
 * CF, PAN, SIN, UID, are words or abbreviations too, and need the check.)
 */
const UNAMBIGUOUS_LABEL =
  /^(?:NIR|INSEE|n[°o]|num[ée]ro|Steuer|IdNr|KVNR|Kranken|versicherten|codice fiscale|BSN|burgerservicenummer|sofi-?nummer|C\.?P\.?F|CNS|cart[ãa]o|NAS|social insurance|Aadhaar|OHIP|health card)/iu;

/** Every national number in the text. */
export function findNationalIds(text: string): IdMatch[] {
  const out: IdMatch[] = [];
  // Every scheme has at least four digits: most clinical texts are done at once.
  let digits = 0;
  for (let i = 0; i < text.length && digits < 4; i++) if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) digits++;
  if (digits < 4) return out;
  for (const scheme of SCHEMES) {
    scheme.pattern.lastIndex = 0;
    for (let m = scheme.pattern.exec(text); m; m = scheme.pattern.exec(text)) {
      const value = m[1]!;
      const start = m.index + m[0].indexOf(value);
      if (scheme.valid(value)) out.push({ start, end: start + value.length });
    }
  }
  LABEL.lastIndex = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    // The value is the run of groups after the label (digits, capitals, dots and dashes), as long as it is valid.
    const raw = m[1]!;
    const start = m.index + m[0].length - raw.length;
    const groups = raw.split(" ");
    let found = false;
    for (let n = groups.length; n >= 1 && !found; n--) {
      const candidate = groups.slice(0, n).join(" ");
      if (!groups.slice(0, n).every((g) => /^[A-Z0-9][A-Z0-9.-]*$/.test(g)) || /[.-]$/.test(candidate) || candidate.length < 8) continue;
      if (ANY_VALID(candidate)) {
        out.push({ start, end: start + candidate.length });
        found = true;
      }
    }
    if (!found && UNAMBIGUOUS_LABEL.test(m[0])) {
      // The run of digit groups after the label, check digits or not.
      const stop = groups.findIndex((g) => !/^\d[\d.-]*$/.test(g));
      const run = groups
        .slice(0, stop === -1 ? groups.length : stop)
        .join(" ")
        .replace(/[.-]+$/, "");
      if (digitsOf(run).length >= 8) out.push({ start, end: start + run.length });
    }
  }
  return out;
}
