import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LANGUAGES } from "./languages.ts";

/**
 * The language the guard reads a text in: the one the author declared (a
 * status's `language`, "pt-BR" read as "pt"), or, when none was given or it
 * is one the guard has no rules for, the one eld (a maintained n-gram
 * detector) finds among the guard's languages.  The rules of every language
 * still run on every text (a French case may quote a German letter); the
 * language decides only what depends on it, such as whether a capitalised
 * word after a given name can be an unknown surname (not in German, where
 * every noun is capitalised).
 */
export type GuardLanguage = keyof typeof LANGUAGES;

const SUPPORTED = Object.keys(LANGUAGES) as GuardLanguage[];

interface Detector {
  detect(text: string): { language: string };
  setLanguageSubset(languages: string[]): unknown;
}

let detector: Detector | undefined;

/** eld's smallest database (about 30 MB of heap), loaded on the first text that comes without a language: most clients send one. */
function eld(): Detector {
  if (!detector) {
    // eld exports only an `import` entry; require() of its file (synchronous: Node 24 loads ES modules so) keeps the guard synchronous.
    const require = createRequire(import.meta.url);
    const file = (require.resolve.paths("eld") ?? [])
      .map((dir) => join(dir, "eld", "src", "entries", "static.extrasmall.js"))
      .find((path) => existsSync(path));
    if (!file) throw new Error("eld is not installed");
    const loaded = (require(file) as { eld: Detector }).eld;
    loaded.setLanguageSubset(SUPPORTED);
    detector = loaded;
  }
  return detector;
}

export function isGuardLanguage(code: string): code is GuardLanguage {
  return (SUPPORTED as string[]).includes(code);
}

/** The declared language when the guard knows it, else the detected one; null for a text with nothing to detect. */
export function guardLanguage(text: string, declared?: string | null): GuardLanguage | null {
  const base = declared?.toLowerCase().split(/[-_]/)[0];
  if (base && isGuardLanguage(base)) return base;
  if (!/\p{L}{2}/u.test(text)) return null;
  const found = eld().detect(text).language;
  // A short German note full of Latin and drug names reads as Dutch or English to the detector; ß and ä are German's alone
  if (found !== "de" && /[ßä]/.test(text)) return "de";
  return isGuardLanguage(found) ? found : null;
}
