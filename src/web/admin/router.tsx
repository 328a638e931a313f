import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import type { AppEnv } from "../../http/env.ts";
import { DomainError } from "../../domain/errors.ts";
import { logger } from "../../logging.ts";
import type { PasswordSignIn, SecondFactorCheck } from "../../pages/sign-in.ts";
import { accountsConsoleRouter } from "./accounts.tsx";
import { applicationsRouter } from "./applications.tsx";
import { auditConsoleRouter } from "./audit.tsx";
import { consoleGuard, flash } from "./auth.ts";
import { dashboardRouter } from "./dashboard.tsx";
import { consolePage } from "./layout.tsx";
import { moderationConsoleRouter } from "./moderation.tsx";
import { peersConsoleRouter } from "./peers.tsx";
import { reportsConsoleRouter } from "./reports.tsx";
import { registersConsoleRouter } from "./registers.tsx";
import { settingsConsoleRouter } from "./settings.tsx";
import { consoleSignInRouter, forbiddenPage, formExpiredPage } from "./sign-in.tsx";

const log = logger("console");

/** Where a failed form goes back to: the page it was on (never off the console). */
function backTo(c: Context<AppEnv>): string {
  const referer = c.req.header("referer");
  try {
    const url = referer ? new URL(referer) : null;
    if (url && url.origin === c.get("services").instance.origin && url.pathname.startsWith("/admin")) return url.pathname + url.search;
  } catch {
    // not a URL
  }
  return c.req.path.replace(/\/[a-z_]+$/, "") || "/admin";
}

/** A refused action: on a form, back to its page with the reason; on a page, the reason as a page. */
function consoleError(error: Error, c: Context<AppEnv>): Response | Promise<Response> {
  if (error instanceof HTTPException) return error.getResponse();
  const known = error instanceof DomainError || error instanceof ZodError;
  if (!known) log.error("Console error on {method} {path}: {error}", { method: c.req.method, path: c.req.path, error });
  const message =
    error instanceof DomainError
      ? error.message
      : error instanceof ZodError
        ? "Some fields were not valid."
        : "Something went wrong; nothing was changed.";
  if (c.req.method === "POST" && known) {
    flash(c, message, "error");
    return c.redirect(backTo(c), 303);
  }
  const status = error instanceof DomainError ? (error.kind === "not_found" ? 404 : error.kind === "forbidden" ? 403 : 422) : 422;
  return consolePage(c, status === 404 ? "Not found" : "Not possible", "", <p class="flash error">{message}</p>, known ? status : 422);
}

/**
 * The staff console at /admin: sign-in and second factor outside the guard,
 * everything else behind it (live session, second factor, CSRF on POST).
 */
export function consoleRouter(signIn: PasswordSignIn, codes: SecondFactorCheck) {
  const guarded = new Hono<AppEnv>();
  guarded.onError(consoleError);
  const guard = consoleGuard({ forbidden: forbiddenPage, formExpired: formExpiredPage });
  guarded.use("/", guard);
  guarded.use("/*", guard);
  for (const router of [
    dashboardRouter,
    applicationsRouter,
    accountsConsoleRouter,
    reportsConsoleRouter,
    moderationConsoleRouter,
    registersConsoleRouter,
    peersConsoleRouter,
    auditConsoleRouter,
    settingsConsoleRouter,
  ]) {
    guarded.route("/", router);
  }
  const console = new Hono<AppEnv>();
  console.onError(consoleError);
  console.route("/", consoleSignInRouter(signIn, codes));
  console.route("/", guarded);
  return console;
}
