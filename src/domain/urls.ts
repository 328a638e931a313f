/**
 * A link a peer gave us (an actor's or a post's `url`, a link in a profile
 * field), kept only if it is one a browser may follow safely: https, or http
 * where this instance allows private addresses (development, tests).  Never
 * javascript:, data: or anything else that runs or reads on our origin.
 */
export function peerLink(value: string | URL | null | undefined, allowHttp: boolean): string | null {
  if (value == null) return null;
  let url: URL;
  try {
    url = value instanceof URL ? value : new URL(value);
  } catch {
    return null;
  }
  if (url.protocol === "https:" || (allowHttp && url.protocol === "http:")) return url.href;
  return null;
}

/** At render time (rows stored before the check): only http(s) becomes an href. */
export function renderableLink(value: string | null | undefined): string | null {
  return peerLink(value, true);
}
