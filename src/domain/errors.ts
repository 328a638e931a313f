/**
 * What went wrong, in domain terms.  The API layer maps each kind to an HTTP
 * status (validation 400/422, unauthorized 401, forbidden 403, ...).
 */
export type DomainErrorKind = "bad_request" | "unprocessable" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "rate_limited";

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly details: unknown;
  constructor(kind: DomainErrorKind, message: string, details?: unknown) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.details = details;
  }
}

/** Mastodon-style per-field validation errors: {field: [{error, description}]}. */
export type FieldErrors = Record<string, { error: string; description: string }[]>;

export function validationFailed(fields: FieldErrors): DomainError {
  const summary = Object.entries(fields)
    .map(([field, errs]) => errs.map((e) => `${field} ${e.description}`).join(", "))
    .join(", ");
  return new DomainError("unprocessable", `Validation failed: ${summary}`, fields);
}
