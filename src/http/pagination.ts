import type { Context } from "hono";
import { boolish } from "./body.ts";
import { fail } from "./errors.ts";

/** Mastodon's `Link` header: `next` (older, max_id) and `prev` (newer, min_id). */
export function paginationLinks(c: Context, rows: readonly { id: string }[]): void {
  if (rows.length === 0) return;
  const url = new URL(c.req.url);
  const next = new URL(url);
  next.searchParams.delete("min_id");
  next.searchParams.delete("since_id");
  next.searchParams.set("max_id", rows.at(-1)!.id);
  const prev = new URL(url);
  prev.searchParams.delete("max_id");
  prev.searchParams.delete("since_id");
  prev.searchParams.set("min_id", rows[0]!.id);
  c.header("Link", `<${next.href}>; rel="next", <${prev.href}>; rel="prev"`);
}

const ID = /^\d{1,20}$/;

/** max_id, since_id, min_id and limit, validated (ids are decimal strings). */
export function pageParams(c: Context, defaultLimit = 20, maxLimit = 40) {
  const q = (k: string) => c.req.query(k) || undefined;
  for (const k of ["max_id", "since_id", "min_id"]) {
    const v = q(k);
    if (v != null && !ID.test(v)) fail("bad_request", `${k} must be an id`);
  }
  const rawLimit = q("limit");
  const limit = rawLimit == null ? defaultLimit : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1) fail("bad_request", "limit must be a positive integer");
  return { maxId: q("max_id"), sinceId: q("since_id"), minId: q("min_id"), limit: Math.min(limit, maxLimit) };
}

/** Query flags as clients send them ("true", "True", "1", "on"; megalodon and Mastodon.py send strings). */
export function queryFlag(c: Context, name: string): boolean {
  return boolish(c.req.query(name)) === true;
}

/** `types[]=a&types[]=b` or `types=a` query arrays. */
export function queryArray(c: Context, name: string): string[] {
  return [...(c.req.queries(`${name}[]`) ?? []), ...(c.req.queries(name) ?? [])];
}
