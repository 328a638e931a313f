import { AS, type FakePeer } from "../helpers/fake-peer.ts";
import { rng } from "../helpers/rng.ts";

/**
 * Mutated activities, signed with a genuine peer physician's key so they get
 * past the signature and exercise everything after it: parsing, limits, the
 * JSON-LD reader, the worker.  Seeded, so a failing case can be replayed.
 */

export interface FuzzResult {
  readonly sent: number;
  readonly byStatus: Record<number, number>;
  /** Cases answered with a 5xx, or that broke the connection. */
  readonly failures: string[];
  /** Object ids of the cases answered 202 (what may be stored). */
  readonly accepted: Set<string>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function templates(peer: FakePeer, actor: string, target: string, n: number): Record<string, Json>[] {
  const me = peer.actorUri(actor);
  const audience = `${peer.origin}/actor/followers`;
  const obj = (type: string, extra: Record<string, Json> = {}) => ({
    id: `${me}/objects/${n}`,
    type,
    attributedTo: me,
    content: `<p>case ${n}: BP 120/80</p>`,
    published: new Date().toISOString(),
    to: [audience],
    ...extra,
  });
  return [
    {
      "@context": AS,
      id: `${me}/activities/${n}`,
      type: "Create",
      actor: me,
      to: [audience],
      object: obj("Note", { tag: [{ type: "Hashtag", name: "#cardiology", href: `${peer.origin}/tags/cardiology` }] }),
    },
    {
      "@context": AS,
      id: `${me}/activities/${n}`,
      type: "Create",
      actor: me,
      to: [audience],
      object: obj("Article", {
        name: "Chest pain",
        source: {
          content: JSON.stringify({ kind: "help", title: "Chest pain", specialties: ["cardiology"] }),
          mediaType: "application/vnd.consilium.case+json",
        },
      }),
    },
    {
      "@context": [AS, { toot: "http://joinmastodon.org/ns#", votersCount: "toot:votersCount" }],
      id: `${me}/activities/${n}`,
      type: "Create",
      actor: me,
      to: [audience],
      object: obj("Question", {
        endTime: new Date(Date.now() + 3600_000).toISOString(),
        oneOf: [
          { type: "Note", name: "A", replies: { type: "Collection", totalItems: 1 } },
          { type: "Note", name: "B", replies: { type: "Collection", totalItems: 0 } },
        ],
        votersCount: 1,
      }),
    },
    {
      "@context": AS,
      id: `${me}/activities/${n}`,
      type: "Update",
      actor: me,
      to: [audience],
      object: obj("Note", { updated: new Date().toISOString() }),
    },
    {
      "@context": AS,
      id: `${me}/activities/${n}`,
      type: "Delete",
      actor: me,
      to: [audience],
      object: { id: `${me}/objects/${n}`, type: "Tombstone" },
    },
    { "@context": AS, id: `${me}/activities/${n}`, type: "Like", actor: me, object: `${target}/users/uk_doc/statuses/1` },
    {
      "@context": AS,
      id: `${me}/activities/${n}`,
      type: "Announce",
      actor: me,
      to: [audience],
      object: `${target}/users/uk_doc/statuses/1`,
    },
    {
      "@context": AS,
      id: `${me}/activities/${n}`,
      type: "Undo",
      actor: me,
      object: { id: `${me}/likes/${n}`, type: "Like", actor: me, object: `${target}/users/uk_doc/statuses/1` },
    },
    { "@context": AS, id: `${me}/activities/${n}`, type: "Follow", actor: me, object: `${target}/users/uk_doc` },
  ];
}

const JUNK: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  3.7,
  1e308,
  "",
  "not a url",
  "javascript:alert(1)",
  "http://",
  "https://[::1",
  "x".repeat(5000),
  "\u0000\uffff\ud800",
  [],
  {},
  [[[[[]]]]],
  { "@id": 5 },
  { "@value": "v", "@language": 7 },
  { "@list": [1, { "@id": "x" }] },
  "2026-13-45T99:99:99Z",
  "<script>alert(1)</script>",
  { type: "Mention", href: "x" },
];

function deepValue(depth: number): Json {
  let v: Json = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v };
  return v;
}

/** Paths to every value in a document, for picking something to break. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length > 400 || prefix.length > 50) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value != null && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  out.push(prefix);
  return out;
}

/** Sets (or removes) a value; a path through something that is not a container changes nothing. */
function setAt(root: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) {
    const child = node?.[key];
    if (child == null || typeof child !== "object") return root;
    node = child as Record<string | number, Json>;
  }
  if (node == null || typeof node !== "object") return root;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return root;
}

/** One fuzzed body (a string: some cases are not even JSON). */
export function fuzzCase(
  peer: FakePeer,
  actor: string,
  target: string,
  n: number,
  seed: number,
): { body: string; objectId: string | null } {
  const r = rng(seed * 7919 + n);
  let doc = structuredClone(r.pick(templates(peer, actor, target, n))) as Json;
  const mutations = 1 + r.int(4);
  for (let m = 0; m < mutations; m++) {
    const all = paths(doc);
    const at = r.pick(all);
    switch (r.int(12)) {
      case 0:
        doc = setAt(doc, at, undefined);
        break;
      case 1:
      case 2:
        doc = setAt(doc, at, structuredClone(r.pick(JUNK)));
        break;
      case 3:
        doc = setAt(doc, at, deepValue(r.pick([10, 40, 400, 3000])));
        break;
      case 4: // a huge array of something plausible
        doc = setAt(
          doc,
          ["object", "tag"],
          Array.from({ length: r.pick([60, 500, 14_000]) }, (_, i) => ({
            type: r.pick(["Mention", "Hashtag"]),
            href: `${peer.origin}/x/${i}`,
            name: `#t${i}`,
          })),
        );
        break;
      case 5:
        doc = setAt(
          doc,
          ["@context"],
          r.pick<Json>([
            `${peer.origin}/context.jsonld`,
            42,
            [AS, "https://example.invalid/ctx"],
            [AS, { "@import": "https://example.invalid/x" }],
            { "@vocab": "https://evil.invalid/#" },
            [AS, { content: "https://evil.invalid/#c" }],
          ]),
        );
        break;
      case 6:
        doc = setAt(doc, ["type"], r.pick<Json>(["Flag", "Block", "Move", "Invalid", ["Create", "Note"], "Question", "", 7]));
        break;
      case 7:
        doc = setAt(
          doc,
          ["id"],
          r.pick<Json>([`${target}/stolen/${n}`, `https://other.invalid/${n}`, `${peer.origin}/activities/${n}-b`, "urn:uuid:1"]),
        );
        break;
      case 8:
        doc = setAt(
          doc,
          ["actor"],
          r.pick<Json>([
            [peer.actorUri(actor), peer.actorUri(actor)],
            { id: peer.actorUri(actor) },
            `${peer.origin}/users/nobody`,
            `${target}/users/uk_doc`,
          ]),
        );
        break;
      case 9:
        doc = setAt(
          doc,
          ["object"],
          r.pick<Json>([[{ id: "x" }, { id: "y" }], `${peer.origin}/objects/remote-${n}`, `${target}/users/uk_doc`, "not a url"]),
        );
        break;
      case 10: // poll counts
        doc = setAt(doc, ["object", "votersCount"], r.pick<Json>([-1, 3.7, 1e9, "3", null]));
        break;
      case 11:
        doc = setAt(doc, ["object", "published"], r.pick<Json>(["yesterday", "2026-02-30T00:00:00Z", 5, "+275760-09-13T00:00:00Z"]));
        break;
    }
  }
  let body = JSON.stringify(doc);
  // A few are broken below JSON: truncated, or cut mid-character.
  const tail = r.next();
  if (tail < 0.04) body = body.slice(0, r.int(body.length));
  else if (tail < 0.06) body = `${body.slice(0, 10)}\ud800${body.slice(10)}`;
  const objectId =
    typeof (doc as { object?: { id?: unknown } })?.object?.id === "string" ? (doc as { object: { id: string } }).object.id : null;
  return { body, objectId };
}

/** Sends `cases` fuzzed activities to the target's shared inbox, `concurrency` at a time. */
export async function runInboxFuzz(options: {
  peer: FakePeer;
  actor: string;
  target: string;
  cases: number;
  seed?: number;
  concurrency?: number;
}): Promise<FuzzResult> {
  const byStatus: Record<number, number> = {};
  const failures: string[] = [];
  const accepted = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < options.cases) {
      const n = next++;
      const { body, objectId } = fuzzCase(options.peer, options.actor, options.target, n, options.seed ?? 1);
      try {
        const res = await options.peer.post(`${options.target}/inbox`, body, options.actor);
        const text = await res.text();
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        if (res.status >= 500) failures.push(`case ${n}: ${res.status} ${text.slice(0, 200)}`);
        if (res.status === 202 && objectId) accepted.add(objectId);
      } catch (error) {
        failures.push(`case ${n}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { sent: options.cases, byStatus, failures, accepted };
}
