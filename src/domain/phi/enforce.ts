import { DomainError } from "../errors.ts";
import { announce } from "../observations.ts";
import { findPhiInFields, phiErrorMessage } from "./guard.ts";

/**
 * Refuses (422) anything that may identify a patient, before it is stored or
 * federated, read in the declared `language` (detected when absent).  `details` lists each finding with its field and offsets.
 */
export function assertNoPhi(fields: Record<string, string | null | undefined>, language?: string | null): void {
  const findings = findPhiInFields(fields, language);
  if (findings.length > 0) {
    announce({ type: "phi.refused", identifierTypes: [...new Set(findings.map((f) => f.type))] });
    throw new DomainError("unprocessable", phiErrorMessage(findings), findings);
  }
}
