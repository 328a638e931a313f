/**
 * What the privacy guard reads in the network's other languages (French,
 * German, Spanish, Italian, Portuguese, Dutch): the titles and family words a
 * name follows, "the patient" and its genders, dates with month names, ages of
 * 90 and over, and the local labels of hospital record numbers.  Each list is
 * one table a new language adds a row to; the detectors are built from all
 * rows, since a post may mix languages (a French case quoting a German
 * letter).
 */

export interface LanguageRules {
  /** Courtesy titles before a name (Mme, Herr, Sra.). */
  readonly titles: readonly string[];
  /** Family and carer words before a name (fille, Tochter, hija). */
  readonly relatives: readonly string[];
  /** "The patient" and its forms, after which a name may follow. */
  readonly patients: readonly string[];
  /** Month names (and their usual abbreviations). */
  readonly months: readonly string[];
  /** Words between a day and its month ("de" in "15 de agosto"). */
  readonly dayMonthGlue: readonly string[];
  /** Ordinal words for days ("dritten", "premier"). */
  readonly ordinalDays: readonly string[];
  /** Ninety to a hundred and more, in words, as an age ("quatre-vingt-douze", "noventa y un"). */
  readonly agesOver89: readonly string[];
  /** "years (old)" after an age. */
  readonly yearsWords: readonly string[];
  /** Labels of hospital record numbers (IPP, Fallnummer, NHC). */
  readonly recordLabels: readonly string[];
}

export const LANGUAGES: Readonly<Record<string, LanguageRules>> = {
  fr: {
    titles: ["Mme", "Mlle", "Mmes", "Madame", "Mademoiselle", "Monsieur", "Me", "Pr"],
    relatives: ["fille", "fils", "épouse", "époux", "mari", "femme", "mère", "père", "frère", "sœur", "soeur", "petite-fille", "petit-fils", "compagne", "compagnon", "conjoint", "conjointe", "tante", "oncle", "nièce", "neveu", "belle-fille", "gendre", "aidant", "aidante"],
    patients: ["patient", "patiente", "malade", "résident", "résidente"],
    months: ["janvier", "janv", "février", "fevrier", "févr", "mars", "avril", "avr", "mai", "juin", "juillet", "juil", "août", "aout", "septembre", "sept", "octobre", "oct", "novembre", "nov", "décembre", "decembre", "déc"],
    dayMonthGlue: [],
    ordinalDays: ["premier", "1er", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "vingt", "trente"],
    agesOver89: ["quatre-vingt-dix", "quatre-vingt-onze", "quatre-vingt-douze", "quatre-vingt-treize", "quatre-vingt-quatorze", "quatre-vingt-quinze", "quatre-vingt-seize", "quatre-vingt-dix-sept", "quatre-vingt-dix-huit", "quatre-vingt-dix-neuf", "nonante(?:-(?:et-un|deux|trois|quatre|cinq|six|sept|huit|neuf))?", "cent(?:[- ](?:et[- ])?(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix))?"],
    yearsWords: ["ans"],
    recordLabels: ["IPP", "NIP", "n[°o]\\s*(?:de\\s+)?dossier", "num[ée]ro de dossier", "dossier\\s*(?:n[°o]|num[ée]ro)", "NDA", "n[°o]\\s*(?:de\\s+)?s[ée]jour", "IEP"],
  },
  de: {
    titles: ["Herr", "Herrn", "Frau", "Fr\\.", "Hr\\.", "Fräulein"],
    relatives: ["Tochter", "Sohn", "Ehefrau", "Ehemann", "Gattin", "Gatte", "Mutter", "Vater", "Bruder", "Schwester", "Enkelin", "Enkel", "Lebensgefährtin", "Lebensgefährte", "Partnerin", "Partner", "Schwiegertochter", "Schwiegersohn", "Tante", "Onkel", "Nichte", "Neffe", "Betreuerin", "Betreuer"],
    patients: ["Patient", "Patientin", "Pat\\.", "Bewohner", "Bewohnerin"],
    months: ["Januar", "Jänner", "Jan", "Februar", "Feb", "März", "Maerz", "Mär", "April", "Apr", "Mai", "Juni", "Juli", "August", "Aug", "September", "Sept", "Sep", "Oktober", "Okt", "November", "Nov", "Dezember", "Dez"],
    dayMonthGlue: [],
    ordinalDays: ["ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten", "achten", "neunten", "zehnten", "elften", "zwölften", "dreizehnten", "vierzehnten", "fünfzehnten", "sechzehnten", "siebzehnten", "achtzehnten", "neunzehnten", "zwanzigsten", "einundzwanzigsten", "zweiundzwanzigsten", "dreiundzwanzigsten", "vierundzwanzigsten", "fünfundzwanzigsten", "sechsundzwanzigsten", "siebenundzwanzigsten", "achtundzwanzigsten", "neunundzwanzigsten", "dreißigsten", "einunddreißigsten", "erste", "zweite", "dritte"],
    agesOver89: ["neunzig", "(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)undneunzig", "hundert(?:(?:und)?(?:eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn))?", "einhundert(?:(?:und)?(?:eins|zwei|drei|vier|fünf))?"],
    yearsWords: ["Jahre", "jährig", "jährige", "jähriger", "jährigen", "Jahren"],
    recordLabels: ["Fallnummer", "Fall-?Nr\\.?", "Fallnr\\.?", "Patientennummer", "Patienten-?Nr\\.?", "PID", "Aufnahmenummer", "Aufnahme-?Nr\\.?", "Akten-?Nr\\.?", "Aktenzeichen"],
  },
  es: {
    titles: ["Sr\\.", "Sra\\.", "Srta\\.", "Señor", "Señora", "Señorita", "Dña\\.?", "Doña", "Don", "D\\."],
    relatives: ["hija", "hijo", "esposa", "esposo", "marido", "mujer", "madre", "padre", "hermana", "hermano", "nieta", "nieto", "pareja", "compañera", "compañero", "tía", "tío", "sobrina", "sobrino", "nuera", "yerno", "cuidadora", "cuidador"],
    patients: ["paciente", "enfermo", "enferma", "residente"],
    months: ["enero", "ene", "febrero", "feb", "marzo", "mar", "abril", "abr", "mayo", "may", "junio", "jun", "julio", "jul", "agosto", "ago", "septiembre", "setiembre", "sept", "sep", "octubre", "oct", "noviembre", "nov", "diciembre", "dic"],
    dayMonthGlue: ["de"],
    ordinalDays: ["primero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "quince", "veinte", "treinta"],
    agesOver89: ["noventa(?: y (?:un|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve))?", "cien", "ciento(?: (?:un|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez))?"],
    yearsWords: ["años"],
    recordLabels: ["NHC", "N\\.?\\s*H\\.?\\s*C\\.?", "n[°ºo]\\s*(?:de\\s+)?historia(?:\\s+cl[íi]nica)?", "historia cl[íi]nica", "CIP", "NUSHA", "NUHSA", "SIP", "TIS"],
  },
  it: {
    titles: ["Sig\\.", "Sig\\.ra", "Sig\\.na", "Sig", "Signor", "Signora", "Signorina", "Dott\\.ssa", "Sig\\.a"],
    relatives: ["figlia", "figlio", "moglie", "marito", "madre", "padre", "sorella", "fratello", "nipote", "compagna", "compagno", "nuora", "genero", "zia", "zio", "badante", "caregiver"],
    patients: ["paziente", "assistito", "assistita", "degente", "ospite"],
    months: ["gennaio", "genn", "febbraio", "febbr", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "sett", "ottobre", "ott", "novembre", "dicembre", "dic"],
    dayMonthGlue: [],
    ordinalDays: ["primo", "1°", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "quindici", "venti", "trenta"],
    agesOver89: ["novanta", "novant(?:uno|otto|a(?:due|tr[eé]|quattro|cinque|sei|sette|nove))", "cento(?:uno|due|tr[eé]|quattro|cinque)?"],
    yearsWords: ["anni"],
    recordLabels: ["cartella(?:\\s+clinica)?(?:\\s*(?:n[°ºo.]\\.?|num(?:ero)?\\.?))?", "n[°ºo.]\\s*(?:di\\s+)?cartella", "nosologico", "n[°ºo.]\\s*nosologico", "SDO"],
  },
  pt: {
    titles: ["Sr\\.", "Sra\\.", "Srª\\.?", "Senhor", "Senhora", "Dona", "D\\."],
    relatives: ["filha", "filho", "esposa", "esposo", "marido", "mulher", "mãe", "pai", "irmã", "irmão", "neta", "neto", "companheira", "companheiro", "tia", "tio", "sobrinha", "sobrinho", "nora", "genro", "cuidadora", "cuidador"],
    patients: ["paciente", "doente", "utente"],
    months: ["janeiro", "jan", "fevereiro", "fev", "março", "marco", "abril", "abr", "maio", "junho", "jun", "julho", "jul", "agosto", "ago", "setembro", "set", "outubro", "out", "novembro", "nov", "dezembro", "dez"],
    dayMonthGlue: ["de"],
    ordinalDays: ["primeiro", "1º", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "quinze", "vinte", "trinta"],
    agesOver89: ["noventa(?: e (?:um|uma|dois|duas|três|quatro|cinco|seis|sete|oito|nove))?", "cem", "cento(?: e (?:um|uma|dois|duas|três|quatro|cinco))?"],
    yearsWords: ["anos"],
    recordLabels: ["prontu[áa]rio(?:\\s*(?:n[°ºo]\\.?|n[úu]mero))?", "n[°ºo]\\s*(?:do\\s+)?prontu[áa]rio", "registro(?:\\s+hospitalar)?", "RGH", "SAME", "n[°ºo]\\s*(?:de\\s+)?processo"],
  },
  nl: {
    titles: ["Dhr\\.?", "Mevr\\.?", "Mw\\.?", "Mevrouw", "Meneer", "De heer", "Mej\\.?"],
    relatives: ["dochter", "zoon", "echtgenote", "echtgenoot", "vrouw", "man", "moeder", "vader", "zus", "zuster", "broer", "kleindochter", "kleinzoon", "partner", "schoondochter", "schoonzoon", "tante", "oom", "nicht", "neef", "mantelzorger"],
    patients: ["patiënt", "patiënte", "patient", "patiente", "cliënt", "cliënte", "bewoner", "bewoonster"],
    months: ["januari", "jan", "februari", "feb", "maart", "mrt", "april", "apr", "mei", "juni", "jun", "juli", "jul", "augustus", "aug", "september", "sept", "sep", "oktober", "okt", "november", "nov", "december", "dec"],
    dayMonthGlue: [],
    ordinalDays: ["eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende"],
    agesOver89: ["negentig", "(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)[eë]nnegentig", "honderd(?:(?:en)?(?:een|twee|drie|vier|vijf))?"],
    yearsWords: ["jaar", "jarige"],
    recordLabels: ["ziekenhuisnummer", "ZIS-?nummer", "pati[ëe]ntnummer", "pati[ëe]nt-?nr\\.?", "dossiernummer", "opnamenummer", "HIX-?nummer"],
  },
  en: {
    // Other English-speaking systems (Australia, India) beside the UK and US rules in detectors.ts.
    titles: [],
    relatives: [],
    patients: [],
    months: [],
    dayMonthGlue: [],
    ordinalDays: [],
    agesOver89: [],
    yearsWords: [],
    recordLabels: ["UR", "UR\\s*(?:number|no\\.?|#)", "UMRN", "UHID", "CR\\s*No\\.?", "CR\\s*number", "IP\\s*No\\.?", "OPD\\s*No\\.?", "MRD\\s*No\\.?", "Reg\\.?\\s*No\\.?"],
  },
};

const all = (pick: (r: LanguageRules) => readonly string[]) => [...new Set(Object.values(LANGUAGES).flatMap(pick))];
const alternation = (words: readonly string[]) => `(?:${[...words].sort((a, b) => b.length - a.length).join("|")})`;

/** Not preceded by a letter (`\b` does not see accented letters). */
export const WORD_START = "(?<![A-Za-z\\u00C0-\\u024F])";
/** Not followed by a letter. */
export const WORD_END = "(?![A-Za-z\\u00C0-\\u024F])";

export const ALL_TITLES = alternation(all((r) => r.titles));
export const ALL_RELATIVES = alternation(all((r) => r.relatives));
export const ALL_PATIENTS = alternation(all((r) => r.patients));
export const ALL_MONTHS = alternation(all((r) => r.months));
export const ALL_ORDINAL_DAYS = alternation(all((r) => r.ordinalDays));
export const ALL_AGES_OVER_89 = alternation(all((r) => r.agesOver89));
export const ALL_YEARS_WORDS = alternation(all((r) => r.yearsWords));
export const ALL_RECORD_LABELS = alternation(all((r) => r.recordLabels));
