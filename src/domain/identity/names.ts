/** Lower-case, strip diacritics, keep letters only: "Zoë O'Brien-Smith" -> "zoe obriensmith". */
export function foldName(value: string): string {
  return value.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/['’]/g, "");
}

/** The letter runs of a name: "Okonkwo-Hart, Adaeze" -> ["okonkwo", "hart", "adaeze"]. */
export function nameTokens(value: string): string[] {
  return foldName(value)
    .split(/[^\p{L}]+/u)
    .filter((t) => t.length > 0);
}

/**
 * The parts of a legal name (3+ letters) that appear in a proposed handle or
 * display name.  Compared without case, diacritics, or separators, so
 * "dr_okonkwo" and "O.K.O.N.K.W.O" are both caught.
 */
export function legalNamePartsIn(legalName: string, candidate: string): string[] {
  const haystack = foldName(candidate).replace(/[^\p{L}]+/gu, "");
  return nameTokens(legalName).filter((part) => part.length >= 3 && haystack.includes(part));
}
