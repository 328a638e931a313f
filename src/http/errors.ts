import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { DomainError, type DomainErrorKind } from "../domain/errors.ts";
import { OAuthError } from "../domain/oauth/service.ts";

const STATUS: Record<DomainErrorKind, ContentfulStatusCode> = {
  bad_request: 400,
  unprocessable: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
};

/** Shorthand for throwing a Mastodon-shaped error from a handler. */
export function fail(kind: DomainErrorKind, message: string, details?: unknown): never {
  throw new DomainError(kind, message, details);
}

/** zod issues in Mastodon's `details` shape: {field: [{error, description}]}. */
export function zodDetails(error: ZodError): Record<string, { error: string; description: string }[]> {
  const details: Record<string, { error: string; description: string }[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "body";
    const entry = {
      error: issue.code === "invalid_type" && issue.input === undefined ? "ERR_BLANK" : "ERR_INVALID",
      description: issue.message,
    };
    details[field] = [...(details[field] ?? []), entry];
  }
  return details;
}

/** Every error leaves as `{"error": "..."}` with the right status; nothing internal leaks. */
export function errorResponse(error: unknown, c: Context): Response {
  if (error instanceof DomainError) {
    const body: Record<string, unknown> = { error: error.message };
    if (error.details !== undefined) body["details"] = error.details;
    return c.json(body, STATUS[error.kind]);
  }
  if (error instanceof OAuthError) {
    return c.json({ error: error.code, error_description: error.message }, error.status);
  }
  if (error instanceof ZodError) {
    const details = zodDetails(error);
    const summary = Object.entries(details).map(([f, errs]) => `${f} ${errs.map((e) => e.description).join(", ")}`);
    return c.json({ error: `Validation failed: ${summary.join("; ")}`, details }, 422);
  }
  if (error instanceof HTTPException) {
    if (error.res) return error.getResponse();
    return c.json({ error: error.message || "Request failed" }, error.status);
  }
  return c.json({ error: "Internal server error" }, 500);
}
