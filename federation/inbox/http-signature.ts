import { createHash, timingSafeEqual, verify as verifySignature, type KeyObject } from "node:crypto";

/**
 * draft-cavage HTTP Signatures, verified the way Fedify 2.3.6 verifies them
 * (`verifyRequestDraft`), rule for rule, but with node:crypto and keys that
 * are already parsed.  tests/federation/http-signature.test.ts holds it to
 * Fedify's own verifier over thousands of mutated requests: what one accepts
 * the other accepts, what one refuses the other refuses.
 */

export interface VerifiableRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: Uint8Array | null;
}

export interface VerificationKey {
  readonly keyId: string;
  readonly owner: string | null;
  readonly publicKey: KeyObject;
}

export type KeyLookup = (keyId: URL) => Promise<{ key: VerificationKey; cached: boolean } | null>;

export type SignatureCheck =
  | { readonly verified: true; readonly key: VerificationKey }
  | { readonly verified: false; readonly reason: "noSignature" | "invalidSignature" | "keyUnavailable"; readonly keyId: URL | null };

const HASHES: Record<string, string> = { sha: "sha1", "sha-256": "sha256", "sha-512": "sha512" };

/** Fedify's base64 decoder refuses what Buffer would quietly accept; so do we. */
export function strictBase64(value: string): Buffer | null {
  let body = value;
  for (let r = value.length - 2; r < value.length; r++) {
    if (r >= 0 && value[r] === "=") {
      for (let o = r + 1; o < value.length; o++) if (value[o] !== "=") return null;
      body = value.slice(0, r);
      break;
    }
  }
  if (body.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(body)) return null;
  return Buffer.from(body, "base64");
}

function parseKeyId(value: string | undefined): URL | null {
  if (value == null) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** The Signature header's parameters, parsed as Fedify parses them (later duplicates win). */
export function signatureParameters(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of header.split(",")) {
    const m = /^\s*([A-Za-z]+)=(?:"([^"]*)"|(\d+))\s*$/.exec(pair);
    if (m) out[m[1]!] = m[2] ?? m[3]!;
  }
  return out;
}

/** Seconds to an instant; out of Temporal's range is a RangeError, as in Fedify. */
function epochMs(seconds: number): number {
  const ms = seconds * 1000;
  if (!(Math.abs(ms) <= 8.64e15)) throw new RangeError(`Timestamp out of range: ${seconds}`);
  return ms;
}

/** An instant from a Date header, or a thrown RangeError where Fedify would throw. */
function instantOf(date: string): number {
  const ms = new Date(date).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Invalid Date header: ${date}`);
  return ms;
}

export async function verifyDraftSignature(
  request: VerifiableRequest,
  lookup: KeyLookup,
  options: { now?: number; timeWindowMs?: number; refetch?: KeyLookup } = {},
): Promise<SignatureCheck> {
  const header = request.headers.get("signature");
  if (header == null) return { verified: false, reason: "noSignature", keyId: null };
  const params = signatureParameters(header);
  const parsedKeyId = parseKeyId(params["keyId"]);
  const invalid = (keyId: URL | null = parsedKeyId): SignatureCheck => ({ verified: false, reason: "invalidSignature", keyId });
  const dateHeader = request.headers.get("date");
  if (dateHeader == null) return invalid();
  const digestHeader = request.headers.get("digest");
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD" && digestHeader == null) return invalid();
  let body: Uint8Array | null = null;
  if (digestHeader != null) {
    body = request.body ?? new Uint8Array();
    let matched = false;
    for (const pair of digestHeader.split(",")) {
      const [rawAlgo, encoded] = pair.includes("=") ? pair.split("=", 2) : [pair, ""];
      const algo = rawAlgo!.trim().toLowerCase();
      // Fedify asks `algo in table`, so inherited names ("constructor") count as
      // supported and then fail: mirrored, or a request Fedify refuses would pass.
      if (!(algo in HASHES)) continue;
      const digest = strictBase64(encoded ?? "");
      if (digest == null) return invalid();
      const hash = Object.hasOwn(HASHES, algo) ? HASHES[algo]! : null;
      if (hash == null) throw new TypeError(`Unsupported digest algorithm: ${algo}`);
      const expected = createHash(hash).update(body).digest();
      if (digest.length !== expected.length || !timingSafeEqual(digest, expected)) return invalid();
      matched = true;
    }
    if (!matched) return invalid();
  }
  const date = instantOf(dateHeader);
  const now = options.now ?? Date.now();
  const window = options.timeWindowMs ?? 3600_000;
  if (date > now + window || date < now - window) return invalid();
  if (!("keyId" in params)) return invalid(null);
  if (!("headers" in params) || !("signature" in params)) return invalid();
  if ("expires" in params) {
    const expires = parseInt(params["expires"]!, 10);
    if (!Number.isInteger(expires)) return invalid();
    if (now > epochMs(expires)) return invalid();
  }
  if ("created" in params) {
    const created = parseInt(params["created"]!, 10);
    if (!Number.isInteger(created)) return invalid();
    const ms = epochMs(created);
    if (ms > now + window || ms < now - window) return invalid();
  }
  const keyId = parsedKeyId;
  if (keyId == null) return invalid(null);
  const found = await lookup(keyId);
  if (found == null) return { verified: false, reason: "keyUnavailable", keyId };
  const names = params["headers"]!.split(/\s+/g);
  if (!names.includes("(request-target)") || !names.includes("date")) return invalid(keyId);
  if (body != null && !names.includes("digest")) return invalid(keyId);
  const url = new URL(request.url);
  const message = names
    .map((name) => {
      const value =
        name === "(request-target)"
          ? `${request.method.toLowerCase()} ${url.pathname}`
          : name === "(created)"
            ? (params["created"] ?? "")
            : name === "(expires)"
              ? (params["expires"] ?? "")
              : name === "host"
                ? (request.headers.get("host") ?? url.host)
                : request.headers.get(name);
      return `${name}: ${value}`;
    })
    .join("\n");
  const signature = strictBase64(params["signature"]!);
  if (signature == null) throw new TypeError("Cannot decode the signature as base64");
  const verifies = (key: VerificationKey) => {
    if (key.publicKey.asymmetricKeyType !== "rsa") throw new TypeError(`${key.keyId} is not an RSA key`);
    return verifySignature("sha256", Buffer.from(message), key.publicKey, signature);
  };
  if (verifies(found.key)) return { verified: true, key: found.key };
  // A cached key may have been rotated: one fresh fetch, as Fedify does.
  if (found.cached && options.refetch) {
    const fresh = await options.refetch(keyId);
    if (fresh == null) return { verified: false, reason: "keyUnavailable", keyId };
    if (verifies(fresh.key)) return { verified: true, key: fresh.key };
  }
  return invalid(keyId);
}
