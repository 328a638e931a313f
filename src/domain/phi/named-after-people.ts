/**
 * Hospitals, institutes and eponyms that carry people's names and are written
 * without a word that says so ("transferred to Johns Hopkins", "avis à Gustave
 * Roussy", "Ramsay Hunt"): a name finding that is one of these (or part of
 * one) is not a patient's.  Lower case, hyphens as spaces; extend as the
 * network's countries need.
 */
const PHRASES = [
  // institutions
  "johns hopkins",
  "memorial sloan kettering",
  "sloan kettering",
  "md anderson",
  "royal marsden",
  "dana farber",
  "fred hutch",
  "peter maccallum",
  "princess margaret",
  "cedars sinai",
  "mount sinai",
  "great ormond street",
  "alder hey",
  "tata memorial",
  "gustave roussy",
  "léon bérard",
  "leon berard",
  "georges pompidou",
  "henri mondor",
  "ambroise paré",
  "paul brousse",
  "pitié salpêtrière",
  "necker enfants malades",
  "gregorio marañón",
  "ramón y cajal",
  "puerta de hierro",
  "vall d'hebron",
  "germans trias i pujol",
  "virgen macarena",
  "virgen del rocío",
  "carl gustav carus",
  "agostino gemelli",
  "mario negri",
  "albert einstein",
  "dante pazzanese",
  "oswaldo cruz",
  "emílio ribas",
  "sírio libanês",
  "antoni van leeuwenhoek",
  "prinses máxima",
  "wilhelmina kinderziekenhuis",
  "sophia kinderziekenhuis",
  // eponyms of two or more names
  "ramsay hunt",
  "bence jones",
  "pierre robin",
  "brown séquard",
  "creutzfeldt jakob",
  "wolff parkinson white",
  "stevens johnson",
  "dandy walker",
  "arnold chiari",
  "peutz jeghers",
  "osler weber rendu",
  "charcot marie tooth",
  "kearns sayre",
  "lesch nyhan",
  "prader willi",
  "zollinger ellison",
  "mallory weiss",
  "budd chiari",
  "waterhouse friderichsen",
  "jarisch herxheimer",
  "klippel trenaunay",
  "sturge weber",
  "lambert eaton",
  "tolosa hunt",
  "ehlers danlos",
  "marchiafava bignami",
  "wernicke korsakoff",
  "legg calvé perthes",
  "osgood schlatter",
  "kasabach merritt",
  "may thurner",
  "fitz hugh curtis",
  "holt oram",
  "hermansky pudlak",
  "austin flint",
  "graham steell",
  "argyll robertson",
  "marcus gunn",
  "cheyne stokes",
  "ann arbor",
];

/** A phrase as these lists compare it: lower case, hyphens as spaces, one space between words. */
export const normalisePhrase = (text: string) => text.toLowerCase().replace(/[-‐]/g, " ").replace(/\s+/g, " ").trim();
const KNOWN = PHRASES.map(normalisePhrase);

/**
 * Whether a name found in the text is (part of) an institution's or an eponym's ("Sloan Kettering" in "Memorial Sloan
 * Kettering"). One word is part of one only where the rest stands around it: "Rocío" alone is a given name, in "Virgen
 * del Rocío" a hospital.
 */
export function isNamedAfterSomeone(found: string, around: string): boolean {
  const text = normalisePhrase(found);
  const oneWord = !text.includes(" ");
  // (the words around, normalised once: a name is checked against every phrase)
  let context: string | undefined;
  const aroundIt = () => (context ??= ` ${normalisePhrase(around.replace(/[^\p{L}\p{N}\s'’-]/gu, " "))} `);
  return KNOWN.some(
    (phrase) => phrase === text || (` ${phrase} `.includes(` ${text} `) && (!oneWord || aroundIt().includes(` ${phrase} `))),
  );
}

/** What is named after a person by the word after the name: an institution or a company ("Sophie Scholl Schule", "Robert Koch-Institut", "Sir Charles Gairdner Hospital", "Dr Foster Intelligence"). */
const NAMED_AFTER_WORDS =
  "(?:Schule|Gymnasium|Stiftung|Krankenhaus|Klinik|Klinikum|Kliniken|Universität|Universitätsklinikum|Institut|Haus|Preis|Zentrum|Hospital|Foundation|Institute|University|School|Centre|Center|Trust|Award|Lecture|Prize|Intelligence|Ltd|Limited|Group|Inc|Consulting|Analytics|GmbH)";
const NAMED_AFTER_TAIL = new RegExp(`^(?:\\s+\\p{Lu}\\p{Ll}+){0,2}[\\s-]+${NAMED_AFTER_WORDS}(?![\\p{L}])`, "u");
const NAMED_AFTER_PART = new RegExp(`[\\s-]${NAMED_AFTER_WORDS}$`, "u");

/** A name whose next word (capitalised, as a proper noun's is) makes it an institution's, or whose last part is one. */
export function namesAnInstitution(found: string, after: string): boolean {
  return NAMED_AFTER_TAIL.test(after) || NAMED_AFTER_PART.test(found);
}
