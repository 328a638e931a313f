import { KeyObject } from "node:crypto";
import { type DocumentLoader, type KeyCache, verifyRequestDetailed } from "@fedify/fedify";
import { Activity, CryptographicKey } from "@fedify/vocab";
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../src/http/env.ts";
import { logger } from "../../src/logging.ts";
import { INSTANCE_ACTOR_ID } from "../actors.ts";
import { publicUrl } from "../hono-middleware.ts";
import { offlineLoader, preloadedContextLoader } from "../loaders.ts";
import { type SignatureCheck, type VerificationKey, verifyDraftSignature } from "./http-signature.ts";
import type { RemoteKeyStore } from "./remote-keys.ts";
import type { InboxStore } from "./store.ts";
import { checkActivity, InvalidActivity } from "./validate.ts";

const log = logger("federation", "inbox");

/** Peering handshakes are the only activities the instance actor takes from a non-peer. */
const HANDSHAKE_TYPES = new Set(["Follow", "Accept", "Reject", "Undo"]);

/** The key id a request names (draft-cavage or RFC 9421), if any. */
export function signingKeyId(headers: Headers): URL | null {
  const cavage = headers.get("signature");
  const rfc9421 = headers.get("signature-input");
  const keyId = /keyId="([^"]+)"/i.exec(cavage ?? "")?.[1] ?? /keyid="([^"]+)"/i.exec(rfc9421 ?? "")?.[1] ?? null;
  if (!keyId) return null;
  try {
    return new URL(keyId);
  } catch {
    return null;
  }
}

export interface InboxAcceptDeps {
  readonly keys: RemoteKeyStore;
  readonly store: InboxStore;
  /** Signed by our instance actor: key documents of physicians are served to peers only. */
  readonly keyDocumentLoader: DocumentLoader;
  /** A verified activity came from this origin: it is up (deliveries to it may resume). */
  readonly heardFrom: (origin: string) => void;
}

/** Fedify's RFC 9421 verifier, reading and writing our key store (never caching a failure). */
function keyCacheOver(keys: RemoteKeyStore): KeyCache {
  return {
    async get(keyId) {
      const key = keys.stored(keyId.href);
      if (!key) return undefined;
      const publicKey = key.publicKey.toCryptoKey({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"]) as unknown as CryptoKey;
      return new CryptographicKey({ id: new URL(key.keyId), owner: key.owner ? new URL(key.owner) : null, publicKey });
    },
    async set(keyId, key) {
      if (!(key instanceof CryptographicKey) || !key.publicKey) return;
      const publicKey = KeyObject.from(key.publicKey);
      keys.store(
        { keyId: keyId.href, owner: key.ownerId?.href ?? null, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() },
        publicKey,
      );
    },
  };
}

async function verify(c: Context<AppEnv>, body: Uint8Array, deps: InboxAcceptDeps): Promise<SignatureCheck> {
  // The URL the peer signed: our public origin, not the proxy's http:// one.
  const raw = c.req.raw;
  const request = { method: raw.method, headers: raw.headers, url: publicUrl(raw.url, c.get("services").instance.origin) };
  if (request.headers.has("signature-input")) {
    const result = await verifyRequestDetailed(
      new Request(request.url, { method: request.method, headers: request.headers, body: Buffer.from(body) }),
      {
        documentLoader: deps.keyDocumentLoader,
        contextLoader: preloadedContextLoader,
        keyCache: keyCacheOver(deps.keys),
        timeWindow: { hours: 1 },
      },
    );
    if (!result.verified) return { verified: false, reason: "invalidSignature", keyId: null };
    const key = result.key;
    const found = deps.keys.stored(key.id?.href ?? "");
    if (!found && !key.publicKey) return { verified: false, reason: "keyUnavailable", keyId: null };
    const verified: VerificationKey = found ?? {
      keyId: key.id?.href ?? "",
      owner: key.ownerId?.href ?? null,
      publicKey: KeyObject.from(key.publicKey!),
    };
    return { verified: true, key: verified };
  }
  return verifyDraftSignature({ method: request.method, url: request.url, headers: request.headers, body }, deps.keys.lookup, {
    refetch: deps.keys.refetch,
  });
}

/**
 * What must be applied in arrival order: activities about one object from one
 * origin (a Create before its Update).  Never across origins, so no peer can
 * hold back another's; and a Delete is never held back at all (what arrives
 * after it about a deleted object is refused by its tombstone).
 */
export function orderingKeyOf(activity: { type: string; actorOrigin: string; objectId: string | null; id: string }): string | null {
  if (activity.type === "Delete") return null;
  return `${activity.actorOrigin} ${activity.objectId ?? activity.id}`;
}

/**
 * The accept stage of the inbox.  In this order, and nothing more before
 * the 202: the recipient exists; the request is signed by a key of an active
 * peer (the instance actor takes handshakes from anyone); the signature
 * holds; the body is an activity within the limits, spoken by the key's
 * owner, with ids on its actor's origin; then it is stored durably.  A body
 * is never parsed, and no key or context fetched, for an unsigned request or
 * one from a non-peer, and a failed check never changes what is stored.
 */
export function inboxRouter(deps: InboxAcceptDeps) {
  const accept = async (c: Context<AppEnv>, recipient: string | null) => {
    const services = c.get("services");
    if (recipient !== null && recipient !== INSTANCE_ACTOR_ID && !services.accounts.findApprovedByUsername(recipient)) {
      return c.json({ error: "Record not found" }, 404);
    }
    const keyId = signingKeyId(c.req.raw.headers);
    if (!keyId) return c.json({ error: "This inbox only accepts signed activities" }, 401);
    const instanceInbox = recipient === INSTANCE_ACTOR_ID;
    const activePeer = services.peers.isActive(keyId.origin);
    if (!activePeer && !instanceInbox) return c.json({ error: `${keyId.origin} is not an active peer of this instance` }, 403);
    const body = new Uint8Array(await c.req.arrayBuffer());
    let check: SignatureCheck;
    try {
      check = await verify(c, body, deps);
    } catch {
      check = { verified: false, reason: "invalidSignature", keyId };
    }
    if (!check.verified) {
      log.info("Refused an inbox request signed with {keyId}: {reason}", { keyId: keyId.href, reason: check.reason });
      return c.json(
        { error: check.reason === "keyUnavailable" ? "The signing key could not be fetched" : "The signature does not verify" },
        401,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
      return c.json({ error: "The body is not valid JSON" }, 400);
    }
    try {
      const activity = checkActivity(parsed);
      // The key's owner speaks for itself only, and only for its own origin.
      if (check.key.owner !== activity.actor || activity.actorOrigin !== keyId.origin) {
        return c.json({ error: "The signer and the actor do not match" }, 401);
      }
      if (!activePeer && !HANDSHAKE_TYPES.has(activity.type))
        return c.json({ error: `${keyId.origin} is not an active peer of this instance` }, 403);
      if (services.directory.findRemoteByUri(activity.actor)?.suspended)
        return c.json({ error: "This actor is suspended on this instance" }, 403);
      // Read as Fedify reads it, offline: what it cannot read is refused now, not later.
      try {
        await Activity.fromJsonLd(activity.json, { documentLoader: offlineLoader, contextLoader: preloadedContextLoader });
      } catch (error) {
        throw new InvalidActivity(`The activity cannot be read: ${(error as Error).message?.slice(0, 200) ?? "invalid"}`);
      }
      const stored = deps.store.append({
        activityId: activity.id,
        actorUri: activity.actor,
        origin: activity.actorOrigin,
        recipient,
        orderingKey: orderingKeyOf(activity),
        body: JSON.stringify(activity.json),
      });
      if (activePeer) deps.heardFrom(keyId.origin);
      return stored ? c.body(null, 202) : c.text(`Activity <${activity.id}> has already been received.`, 202);
    } catch (error) {
      if (error instanceof InvalidActivity) return c.json({ error: error.message }, error.status);
      throw error;
    }
  };
  return new Hono<AppEnv>()
    .post("/inbox", (c) => accept(c, null))
    .post("/users/:identifier/inbox", (c) => accept(c, c.req.param("identifier")));
}
