import type { Context } from "hono";
import type { AppEnv } from "../../http/env.ts";

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
  readonly number: number;
}

/** The page a list was asked for (`?page=`, from 1). */
export function pageOf(c: Context<AppEnv>, size: number): PageRequest {
  const n = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query("page") ?? "1", 10) || 1));
  return { limit: size, offset: (n - 1) * size, number: n };
}

/** Previous/next links that keep the current filters. */
export const Pager = ({ c, page, total }: { c: Context<AppEnv>; page: PageRequest; total: number }) => {
  const pages = Math.max(1, Math.ceil(total / page.limit));
  if (pages <= 1) return null;
  const link = (n: number) => {
    const url = new URL(c.req.url);
    url.searchParams.set("page", String(n));
    return `${url.pathname}${url.search}`;
  };
  return (
    <nav aria-label="Pages">
      {page.number > 1 && <a href={link(page.number - 1)}>← Previous</a>} Page {page.number} of {pages}{" "}
      {page.number < pages && <a href={link(page.number + 1)}>Next →</a>}
    </nav>
  );
};
