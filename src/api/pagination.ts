import type { Context } from "hono";

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
  prev.searchParams.set("min_id", rows[0]!.id);
  c.header("Link", `<${next.href}>; rel="next", <${prev.href}>; rel="prev"`);
}
