import type { Context } from "hono";
import type { z } from "zod";
import { fail } from "./errors.ts";

type Value = string | File;
export type Params = Record<string, unknown>;

/** `poll[options][]` -> ["poll", "options", ""]; `a` -> ["a"]. */
function keyPath(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) return [key];
  const rest = [...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!);
  return [m[1]!, ...rest];
}

function assign(target: Params, path: string[], value: Value): void {
  let node: Params = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    const nextIsArray = path[i + 1] === "";
    if (segment === "") return; // handled by the parent below
    if (last) {
      node[segment] = value;
      return;
    }
    if (nextIsArray && i + 1 === path.length - 1) {
      const existing = node[segment];
      node[segment] = Array.isArray(existing) ? [...existing, value] : [value];
      return;
    }
    const child = node[segment];
    if (child == null || typeof child !== "object" || Array.isArray(child) || child instanceof File) {
      node[segment] = {};
    }
    node = node[segment] as Params;
  }
}

/** Rails-style nesting for form and multipart bodies, as Mastodon clients send them. */
export function nestParams(entries: Iterable<[string, Value]>): Params {
  const out: Params = {};
  for (const [key, value] of entries) assign(out, keyPath(key), value);
  // Indexed hashes (fields_attributes[0][name]) become arrays in index order.
  const arrayify = (v: unknown): unknown => {
    if (v == null || typeof v !== "object" || v instanceof File) return v;
    if (Array.isArray(v)) return v.map(arrayify);
    const obj = v as Params;
    const keys = Object.keys(obj);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => arrayify(obj[k]));
    }
    for (const k of keys) obj[k] = arrayify(obj[k]);
    return obj;
  };
  return arrayify(out) as Params;
}

/**
 * Ids sent as JSON numbers (`"in_reply_to_id": 113456789012345678`) are larger
 * than a double holds exactly: the reviver keeps their digits, as text, from
 * the source (JSON.parse source text access, in Node 22+).
 */
function keepLargeIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^\d+$/.test(context.source)) return context.source;
  return value;
}

/**
 * JSON's null is "not given", as Mastodon (Rails) reads it: Elk sends
 * `"rule_ids": null`, others `"poll": null`.  Nulls inside arrays are dropped too.
 */
function withoutNulls(value: Params): Params {
  const out: Params = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    if (Array.isArray(v))
      out[key] = v.filter((x) => x !== null).map((x) => (x && typeof x === "object" && !Array.isArray(x) ? withoutNulls(x as Params) : x));
    else if (typeof v === "object") out[key] = withoutNulls(v as Params);
    else out[key] = v;
  }
  return out;
}

/**
 * The request's parameters from a JSON, form or multipart body (clients use
 * all three), with query parameters underneath as Rails merges them.
 */
export async function readParams(c: Context): Promise<Params> {
  const query = nestParams(new URL(c.req.url).searchParams.entries());
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (c.req.method === "GET" || c.req.method === "HEAD") return query;
  if (type === "application/json" || type.endsWith("+json")) {
    const text = await c.req.text();
    if (text.trim() === "") return query;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, keepLargeIntegers);
    } catch {
      fail("bad_request", "The request body is not valid JSON");
    }
    if (parsed == null || typeof parsed !== "object" || Array.isArray(parsed)) {
      fail("bad_request", "The request body must be a JSON object");
    }
    return { ...query, ...withoutNulls(parsed as Params) };
  }
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      fail("bad_request", "The request body is not a valid form");
    }
    return { ...query, ...nestParams(form.entries() as Iterable<[string, Value]>) };
  }
  const text = await c.req.text();
  if (text.length > 0) fail("bad_request", `Unsupported content type: ${type || "none"}`);
  return query;
}

/** Reads and validates parameters; a failure is a 422 naming each field. */
export async function parseParams<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return schema.parse(await readParams(c));
}

/** Booleans as clients send them: true/false, "true"/"false", "1"/"0", "on". */
export function boolish(value: unknown): boolean | undefined {
  if (value == null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  const s = String(value).toLowerCase();
  if (["true", "1", "on", "yes"].includes(s)) return true;
  if (["false", "0", "off", "no"].includes(s)) return false;
  return undefined;
}
