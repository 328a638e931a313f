import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { preloadedContexts, signRequest, verifyRequestDetailed } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { beforeAll, describe, expect, it } from "vitest";
import { type KeyLookup, strictBase64, verifyDraftSignature } from "../../federation/inbox/http-signature.ts";
import { rng } from "../helpers/rng.ts";

/**
 * The inbox's fast path verifies draft-cavage signatures itself.  It must
 * accept and refuse exactly what Fedify's verifier does; this holds the two
 * side by side over thousands of mutated requests (headers, digests, dates,
 * key ids, bodies, signature parameters), each case seeded and repeatable.
 */

const CASES = Number(process.env["SIGNATURE_FUZZ_CASES"] ?? 3000);
const NOW = Date.parse("2026-11-23T12:00:00Z");
const OWNER = "https://peer.example/users/alice";
const KEY_ID = `${OWNER}#main-key`;
const OTHER_KEY_ID = "https://peer.example/users/bob#main-key";
const INBOX = "https://consilium.example/users/carol/inbox";

interface Draft {
  method: string;
  url: string;
  headers: [string, string][];
  body: string | null;
  params: [string, string, boolean][]; // name, value, quoted
}

function header(d: Draft, name: string): string | undefined {
  return d.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/** Signs the draft's headers list as a sender would (the message built independently of our verifier). */
function signDraft(d: Draft, key: KeyObject, headersList: string): string {
  const url = new URL(d.url);
  const message = headersList
    .split(/\s+/g)
    .map((name) => {
      const params = Object.fromEntries(d.params.map(([k, v]) => [k, v]));
      const value =
        name === "(request-target)"
          ? `${d.method.toLowerCase()} ${url.pathname}`
          : name === "(created)"
            ? params["created"]
            : name === "(expires)"
              ? params["expires"]
              : (header(d, name) ?? null);
      return `${name}: ${value}`;
    })
    .join("\n");
  return sign("sha256", Buffer.from(message), key).toString("base64");
}

function toRequest(d: Draft): Request {
  const headers = new Headers();
  for (const [k, v] of d.headers) headers.append(k, v);
  const signature = d.params.map(([k, v, quoted]) => (quoted ? `${k}="${v}"` : `${k}=${v}`)).join(",");
  if (d.params.length > 0) headers.set("Signature", signature);
  return new Request(d.url, { method: d.method, headers, body: d.method === "GET" || d.method === "HEAD" ? null : d.body });
}

describe("the inbox's HTTP signature check", () => {
  let privateKey: KeyObject;
  let otherPrivate: KeyObject;
  let publicPem: string;
  let otherPublicPem: string;
  let webPrivate: CryptoKey;

  beforeAll(async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    privateKey = pair.privateKey;
    publicPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    otherPrivate = other.privateKey;
    otherPublicPem = other.publicKey.export({ type: "spki", format: "pem" }).toString();
    webPrivate = await crypto.subtle.importKey(
      "pkcs8",
      privateKey.export({ type: "pkcs8", format: "der" }),
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      true,
      ["sign"],
    );
  });

  /** Both verifiers read keys from the same place: the key documents of two actors. */
  const keyDocuments = () => ({
    [KEY_ID]: { id: KEY_ID, owner: OWNER, pem: publicPem },
    [OTHER_KEY_ID]: { id: OTHER_KEY_ID, owner: "https://peer.example/users/bob", pem: otherPublicPem },
  });

  const fedify = async (request: Request): Promise<boolean> => {
    const docs = keyDocuments();
    // Key ids name a key inside the actor document, as real servers publish them.
    const documentLoader = async (url: string) => {
      const doc = docs[url as keyof typeof docs];
      if (!doc) throw new Error(`not found: ${url}`);
      return {
        contextUrl: null,
        documentUrl: url,
        document: {
          "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
          id: doc.owner,
          type: "Person",
          inbox: `${doc.owner}/inbox`,
          publicKey: { id: doc.id, owner: doc.owner, publicKeyPem: doc.pem },
        },
      };
    };
    try {
      const result = await verifyRequestDetailed(request, {
        documentLoader,
        contextLoader: async (url: string) => ({ contextUrl: null, documentUrl: url, document: preloadedContexts[url] }),
        timeWindow: { hours: 1 },
        currentTime: Temporal.Instant.fromEpochMilliseconds(NOW),
      });
      return result.verified;
    } catch {
      return false;
    }
  };

  const ours = async (request: Request): Promise<boolean> => {
    const docs = keyDocuments();
    const lookup: KeyLookup = async (keyId) => {
      const doc = docs[keyId.href as keyof typeof docs];
      return doc ? { key: { keyId: doc.id, owner: doc.owner, publicKey: createPublicKey(doc.pem) }, cached: false } : null;
    };
    const body = request.method === "GET" || request.method === "HEAD" ? null : new Uint8Array(await request.clone().arrayBuffer());
    try {
      const result = await verifyDraftSignature({ method: request.method, url: request.url, headers: request.headers, body }, lookup, {
        now: NOW,
        timeWindowMs: 3600_000,
      });
      return result.verified;
    } catch {
      return false;
    }
  };

  async function baseDraft(): Promise<Draft> {
    const body = JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${OWNER}/statuses/1#create`,
      type: "Create",
      actor: OWNER,
    });
    const signed = await signRequest(
      new Request(INBOX, {
        method: "POST",
        headers: { "Content-Type": "application/activity+json", Date: new Date(NOW).toUTCString() },
        body,
      }),
      webPrivate,
      new URL(KEY_ID),
      { spec: "draft-cavage-http-signatures-12", currentTime: Temporal.Instant.fromEpochMilliseconds(NOW) },
    );
    const sig = signed.headers.get("signature")!;
    const params = [...sig.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!, true] as [string, string, boolean]);
    const headers = [...signed.headers.entries()].filter(([k]) => k !== "signature") as [string, string][];
    if (!headers.some(([k]) => k === "host")) headers.push(["host", new URL(INBOX).host]);
    return { method: "POST", url: INBOX, headers, body, params };
  }

  it("accepts a genuine signed request and agrees with Fedify on it", async () => {
    const draft = await baseDraft();
    expect(await fedify(toRequest(draft))).toBe(true);
    expect(await ours(toRequest(draft))).toBe(true);
  });

  it("decodes base64 as strictly as Fedify's decoder", () => {
    expect(strictBase64("YWJj")?.toString()).toBe("abc");
    expect(strictBase64("YWI=")?.toString()).toBe("ab");
    expect(strictBase64("YWI")?.toString()).toBe("ab");
    expect(strictBase64("Y")).toBeNull();
    expect(strictBase64("YW=I")).toBeNull();
    expect(strictBase64("YW I=")).toBeNull();
    expect(strictBase64("YWI-")).toBeNull();
  });

  it(`agrees with Fedify's verifier on ${CASES} mutated requests`, { timeout: 120_000 }, async () => {
    const base = await baseDraft();
    const disagreements: string[] = [];
    let accepted = 0;
    for (let n = 0; n < CASES; n++) {
      const r = rng(n + 1);
      const d: Draft = structuredClone(base);
      const changes: string[] = [];
      const setHeader = (name: string, value: string | null) => {
        d.headers = d.headers.filter(([k]) => k.toLowerCase() !== name.toLowerCase());
        if (value != null) d.headers.push([name, value]);
      };
      const setParam = (name: string, value: string | null, quoted = true) => {
        d.params = d.params.filter(([k]) => k !== name);
        if (value != null) d.params.push([name, value, quoted]);
      };
      const mutations = 1 + r.int(3);
      let resign = r.next() < 0.45;
      for (let m = 0; m < mutations; m++) {
        const kind = r.int(16);
        changes.push(String(kind));
        switch (kind) {
          case 0: // the Date header
            setHeader(
              "Date",
              r.pick([
                null,
                new Date(NOW - 3599_000).toUTCString(),
                new Date(NOW - 3601_000).toUTCString(),
                new Date(NOW + 3599_000).toUTCString(),
                new Date(NOW + 3700_000).toUTCString(),
                "yesterday",
                "2026",
                new Date(NOW).toISOString(),
                "Mon, 23 Nov 2026 12:00:00 GMT",
                "",
              ]),
            );
            break;
          case 1: {
            // the Digest header
            const good = createHash("sha256")
              .update(d.body ?? "")
              .digest("base64");
            const sha512 = createHash("sha512")
              .update(d.body ?? "")
              .digest("base64");
            setHeader(
              "Digest",
              r.pick([
                null,
                `SHA-256=${good}`,
                `sha-256=${good}`,
                `SHA-256=${good.replace(/=$/, "")}`,
                `SHA-256=${good}=`,
                `SHA-256=A${good.slice(1)}`,
                `MD5=xyz`,
                `SHA-256=${good}, SHA-512=${sha512}`,
                `SHA-512=${sha512}`,
                `SHA-256=${good}, SHA-512=AAAA`,
                `constructor=abc, SHA-256=${good}`,
                `toString=x, SHA-256=${good}`,
                `SHA-256=@@@`,
                `SHA-256`,
                "",
                ` SHA-256 =${good}`,
              ]),
            );
            break;
          }
          case 2: // the body
            d.body = r.pick([`${d.body} `, d.body!.replace("Create", "Delete"), "", d.body!]);
            break;
          case 3: // method and path
            d.method = r.pick(["POST", "PUT", "GET", "post"]);
            break;
          case 4:
            d.url = r.pick([INBOX, `${INBOX}?x=1`, INBOX.replace("/carol/", "/dave/"), INBOX.replace("https:", "http:"), `${INBOX}/`]);
            break;
          case 5: // Host
            setHeader("Host", r.pick([null, "consilium.example", "evil.example", "consilium.example:443", "CONSILIUM.EXAMPLE"]));
            break;
          case 6: // keyId
            setParam(
              "keyId",
              r.pick([null, KEY_ID, OTHER_KEY_ID, "not a url", "https://peer.example/users/alice#other-key", `${KEY_ID} `, ""]),
            );
            break;
          case 7: {
            // the headers list
            const lists = [
              "(request-target) host date digest",
              "(request-target) date digest",
              "host date digest",
              "(request-target) host date",
              "(request-target)  host date digest",
              " (request-target) host date digest",
              "(request-target) Host Date Digest",
              "(request-target) host date digest content-type",
              "(request-target) host date digest (created)",
              "(request-target) host date digest (expires)",
              "date (request-target) digest host",
              "(request-target) host date digest x-missing",
            ];
            setParam("headers", r.pick([null, ...lists]));
            resign = r.next() < 0.7;
            break;
          }
          case 8: {
            // the signature value
            const sig = d.params.find(([k]) => k === "signature")?.[1] ?? "";
            setParam(
              "signature",
              r.pick([
                null,
                "",
                sig.slice(1),
                `A${sig.slice(1)}`,
                `${sig}=`,
                sig.replace(/=+$/, ""),
                "!!!!",
                `${sig.slice(0, -4)}AAAA`,
                sig,
              ]),
            );
            resign = false;
            break;
          }
          case 9: // algorithm (Fedify ignores it; so must we)
            setParam("algorithm", r.pick([null, "rsa-sha256", "hs2019", "ed25519", "rsa-sha512", "nonsense"]));
            break;
          case 10: // created
            setParam(
              "created",
              r.pick([
                null,
                String(Math.floor(NOW / 1000)),
                String(Math.floor(NOW / 1000) - 4000),
                String(Math.floor(NOW / 1000) + 4000),
                "abc",
                "12abc",
                "99999999999999999999",
                "-5",
              ]),
              r.next() < 0.5,
            );
            break;
          case 11: // expires
            setParam(
              "expires",
              r.pick([null, String(Math.floor(NOW / 1000) + 60), String(Math.floor(NOW / 1000) - 60), "soon", "99999999999999999999", "0"]),
              r.next() < 0.5,
            );
            break;
          case 12: // duplicated or unquoted parameters
            d.params.push(
              r.pick([
                ["keyId", OTHER_KEY_ID, true],
                ["keyId", KEY_ID, true],
                ["headers", "(request-target) host date digest", true],
                ["foo", "bar", true],
                ["signature", "AAAA", true],
              ] as [string, string, boolean][]),
            );
            break;
          case 13: // content-type
            setHeader(
              "Content-Type",
              r.pick([null, "application/json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"']),
            );
            break;
          case 14: // the wrong key signs
            resign = true;
            changes.push("other-key");
            break;
          case 15: // parameters reordered
            d.params.reverse();
            break;
        }
      }
      if (resign) {
        const list = d.params.find(([k]) => k === "headers")?.[1];
        if (list != null) {
          const key = changes.includes("other-key") ? otherPrivate : privateKey;
          try {
            setParam("signature", signDraft(d, key, list));
          } catch {
            // a header list the test cannot sign: left as it is
          }
        }
      }
      let request: Request;
      try {
        request = toRequest(d);
      } catch {
        continue; // not even a request (e.g. an invalid header value)
      }
      const [a, b] = [await fedify(request.clone()), await ours(request.clone())];
      if (a) accepted++;
      if (a !== b) disagreements.push(`case ${n} [${changes.join(",")}]: Fedify ${a}, ours ${b}: ${JSON.stringify(d)}`);
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The mutations must exercise acceptance too, not only refusal.
    expect(accepted).toBeGreaterThan(CASES / 20);
  });
});
