import type { Context } from "hono";
import type { FilterContext } from "../domain/filters/service.ts";
import type { StatusRow } from "../domain/statuses/types.ts";
import type { AppEnv } from "../http/env.ts";
import { paginationLinks } from "../http/pagination.ts";
import { accountsByIdJson } from "./accounts-json.ts";
import { renderStatuses } from "./statuses-json.ts";

/** Accounts by id, in the given order, skipping any that no longer exist. */
export function accountsJson(c: Context<AppEnv>, ids: readonly string[]) {
  return accountsByIdJson(ids, c.get("services"));
}

/**
 * A page of statuses with Mastodon's Link header.  Statuses a "hide" filter
 * matches in this context are left out; the links still follow the page read,
 * so the next page starts where this one ended.
 */
export function timelineJson(c: Context<AppEnv>, rows: readonly StatusRow[], viewerId: string, context: FilterContext) {
  paginationLinks(c, rows);
  const { json, hiddenByFilter } = renderStatuses(rows, viewerId, c.get("services"), { context });
  return c.json(json.filter((s) => !hiddenByFilter.has(s["id"] as string)));
}
