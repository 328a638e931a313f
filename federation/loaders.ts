import { type DocumentLoader, getAuthenticatedDocumentLoader, preloadedContexts } from "@fedify/fedify";
import { OutgoingRequestRefused } from "./outgoing-http.ts";

/**
 * JSON-LD contexts come only from those Fedify ships with: no activity can
 * make this server fetch a context (from a black hole, or from anywhere).
 */
export const preloadedContextLoader: DocumentLoader = (url) => {
  if (Object.hasOwn(preloadedContexts, url))
    return Promise.resolve({ contextUrl: null, documentUrl: url, document: preloadedContexts[url] });
  return Promise.reject(new OutgoingRequestRefused(`Unsupported JSON-LD context: ${url}`));
};

/** For parsing that must not touch the network at all (the inbox's accept stage). */
export const offlineLoader: DocumentLoader = (url) => preloadedContextLoader(url);

export interface SigningIdentity {
  readonly keyId: URL;
  readonly privateKey: CryptoKey;
}

/**
 * Documents fetched with a signature.  Peers serve their physicians only to
 * signed requests (authorized fetch), so every fetch is signed by our
 * instance actor; the guarded client under it (outgoing-http.ts) does the
 * address checks and timeouts, which is why Fedify's own check is off here.
 */
export function signedLoader(identity: SigningIdentity, userAgent: string): DocumentLoader {
  return getAuthenticatedDocumentLoader(identity, { allowPrivateAddress: true, userAgent });
}

/** Closed network: documents are fetched only from origins the caller allows (active peers). */
export function restrictedLoader(inner: DocumentLoader, allowed: (origin: string) => boolean): DocumentLoader {
  return (url, options) => {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return Promise.reject(new OutgoingRequestRefused(`Not a URL: ${url}`));
    }
    if (!allowed(origin)) return Promise.reject(new OutgoingRequestRefused(`${origin} is not an active peer: not fetched`));
    return inner(url, options);
  };
}
