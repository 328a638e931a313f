import type { Context } from "hono";
import type { StatusRow } from "../../domain/statuses/types.ts";
import type { AppEnv } from "../env.ts";
import { paginationLinks } from "../pagination.ts";
import { accountViewJson, statusesJson } from "./statuses-json.ts";

/** Accounts by id, in the given order, skipping any that no longer exist. */
export function accountsJson(c: Context<AppEnv>, ids: readonly string[]) {
  const services = c.get("services");
  const views = services.directory.getMany(ids);
  return ids.map((id) => views.get(id)).filter((v) => v != null).map((v) => accountViewJson(v, services));
}

/** A page of statuses with Mastodon's Link header. */
export function timelineJson(c: Context<AppEnv>, rows: readonly StatusRow[], viewerId: string) {
  paginationLinks(c, rows);
  return c.json(statusesJson(rows, viewerId, c.get("services")));
}
