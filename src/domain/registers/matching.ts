export type RegisterMatchStatus = "exact" | "partial" | "inactive" | "none";

/** What the register said about an application; kept inside the identity vault. */
export interface RegisterMatch {
  readonly status: RegisterMatchStatus;
  readonly matchedOn: readonly ("licence" | "name")[];
  readonly checkedAt: string;
  readonly entry?: {
    readonly source: "gmc-lrmp" | "nppes";
    readonly reference: string;
    readonly name: string;
    readonly registrationStatus: string;
    readonly specialty: string | null;
  };
}

/**
 * The register's name agrees with the applicant's when every surname token
 * and at least one given-name token appear among the applicant's tokens
 * (so "Adaeze Okonkwo-Hart" matches "Okonkwo-Hart, Adaeze Mary").
 */
export function namesAgree(
  applicantTokens: ReadonlySet<string>,
  surnameTokens: readonly string[],
  givenTokens: readonly string[],
): boolean {
  if (surnameTokens.length === 0 || !surnameTokens.every((t) => applicantTokens.has(t))) return false;
  return givenTokens.length === 0 || givenTokens.some((t) => applicantTokens.has(t));
}

/** exact: licence and name agree and the entry may practise; inactive: both agree but it may not. */
export function classify(licenceMatches: boolean, nameMatches: boolean, active: boolean): RegisterMatchStatus {
  if (licenceMatches && nameMatches) return active ? "exact" : "inactive";
  if (licenceMatches || nameMatches) return "partial";
  return "none";
}

/** Licence numbers compare without case, spaces or punctuation ("DO 45821" = "do-45821"). */
export function normaliseLicence(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, "");
}
