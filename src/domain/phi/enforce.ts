import { DomainError } from "../errors.ts";
import { findPhiInFields, phiErrorMessage } from "./guard.ts";

/**
 * Refuses (422) anything that may identify a patient, before it is stored or
 * federated.  `details` lists each finding with its field and offsets.
 */
export function assertNoPhi(fields: Record<string, string | null | undefined>): void {
  const findings = findPhiInFields(fields);
  if (findings.length > 0) throw new DomainError("unprocessable", phiErrorMessage(findings), findings);
}
