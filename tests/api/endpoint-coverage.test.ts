import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

const UNROUTED = "This API endpoint does not exist";

/** Mastodon's endpoints (tests/fixtures/mastodon-endpoints.txt), as "METHOD /path/{param}". */
const mastodon = readFileSync(new URL("../fixtures/mastodon-endpoints.txt", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.startsWith("#"));

/** README's endpoint table: each endpoint with what this server does about it. */
function readmeTable(): Map<string, string> {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const rows = new Map<string, string>();
  for (const m of readme.matchAll(/^\| `((?:GET|POST|PUT|PATCH|DELETE) \/\S*)` \| (implemented|empty by design|absent) \|/gm))
    rows.set(m[1]!, m[2]!);
  return rows;
}

/** Anything an "empty by design" endpoint may answer: Mastodon's empty shapes, 404 for an id, or a 422 saying what is not offered. */
function isEmptyShape(value: unknown): boolean {
  if (value == null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.length === 0;
  return Object.values(value).every(isEmptyShape);
}
function answersEmpty(status: number, body: string): boolean {
  if (status === 404 && body.includes("Record not found")) return true;
  if (status === 422 && /not offered|Web Push/.test(body)) return true;
  if (status === 401 || status === 403) return true;
  if (status !== 200) return false;
  try {
    return body === "" || isEmptyShape(JSON.parse(body));
  } catch {
    return false;
  }
}
const NOT_OFFERED = /are not offered on this network|is not offered by this server/;

function concrete(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (/name|hashtag/.test(name)) return "cardiology";
    if (name === "year") return "2025";
    if (name === "date") return "2025-01-01";
    if (name === "group_key") return "ungrouped-1";
    return "123456789012345678";
  });
}

/**
 * README's table of every Mastodon endpoint tells the truth: each one marked
 * implemented or empty by design has a route here, each one marked absent has
 * none, and no endpoint of Mastodon's is missing from the table; an
 * implemented one never answers that its feature is not offered, and one empty
 * by design answers nothing but Mastodon's empty shapes.
 */
describe("Mastodon's endpoints, as README lists them", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let token: string;

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    token = await ownerToken(uk);
  });
  afterAll(() => instances.closeAll());

  it("lists every endpoint, and each answers as listed", async () => {
    const table = readmeTable();
    expect(mastodon.filter((e) => !table.has(e))).toEqual([]);
    const wrong: string[] = [];
    for (const endpoint of mastodon) {
      const [method, path] = endpoint.split(" ") as [string, string];
      const controller = new AbortController();
      const res = await fetch(`${uk.origin}${concrete(path)}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(method === "GET" || method === "DELETE" ? {} : { "Content-Type": "application/json" }),
        },
        body: method === "GET" || method === "DELETE" ? undefined : "{}",
        signal: controller.signal,
      });
      // Streams stay open: their headers are the answer.
      const body = res.headers.get("content-type")?.startsWith("text/event-stream") ? "" : await res.text();
      controller.abort();
      const routed = !(res.status === 404 && body.includes(UNROUTED));
      const listed = table.get(endpoint)!;
      if (routed !== (listed !== "absent")) wrong.push(`${endpoint}: listed ${listed}, answered ${res.status} ${body.slice(0, 80)}`);
      // Told apart by what they answer: an implemented endpoint never says its feature is not offered,
      // and one empty by design answers only Mastodon's empty shapes.
      if (listed === "implemented" && NOT_OFFERED.test(body))
        wrong.push(`${endpoint}: listed implemented, answered "${body.slice(0, 80)}"`);
      if (listed === "empty by design" && !answersEmpty(res.status, body))
        wrong.push(`${endpoint}: listed empty by design, answered ${res.status} ${body.slice(0, 80)}`);
      if (res.status >= 500) wrong.push(`${endpoint}: ${res.status} ${body.slice(0, 80)}`);
    }
    expect(wrong).toEqual([]);
  });
});
