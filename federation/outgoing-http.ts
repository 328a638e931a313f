import { AsyncLocalStorage } from "node:async_hooks";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { isValidPublicIPv4Address, isValidPublicIPv6Address } from "@fedify/fedify";
import { Agent } from "undici";

export interface OutgoingHttpOptions {
  /** Let requests reach private and loopback addresses (development and tests only). */
  readonly allowPrivateAddress: boolean;
  readonly connectTimeoutMs: number;
  /** From the request until the whole response body is in. */
  readonly timeoutMs: number;
  /** Sockets open to one origin at once: one slow host cannot take them all. */
  readonly connectionsPerOrigin: number;
  /**
   * Origins an admin has chosen to peer with may live on a private network
   * (a national body's VPN); every other origin must be public.
   */
  readonly trustedOrigins: () => Iterable<string>;
  /** Where a redirect may lead besides the origin it came from: the active peers. */
  readonly redirectOrigins?: () => Iterable<string>;
  /** Tests point host names at addresses of their choosing. */
  readonly lookup?: typeof dnsLookup;
  /** Told the outcome of every request (metrics: deliveries by peer and outcome). */
  readonly observe?: (result: { method: string; host: string; status: number | null; error?: "timeout" | "error" }) => void;
}

/** An outgoing request refused before it was sent (SSRF guard). */
export class OutgoingRequestRefused extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "OutgoingRequestRefused";
  }
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isValidPublicIPv4Address(address);
  if (family === 6) {
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? isValidPublicIPv4Address(mapped[1]!) : isValidPublicIPv6Address(address);
  }
  return false;
}

/** The instance whose work is running: Fedify's own requests find their policy here. */
const current = new AsyncLocalStorage<OutgoingHttp>();
/** A deadline (epoch ms) shared by every request of one piece of work (an inbox activity). */
const deadlines = new AsyncLocalStorage<number>();
const nativeFetch = globalThis.fetch.bind(globalThis);
let installed = false;

/**
 * Routes every `fetch` made inside an instance's work (Fedify's deliveries,
 * key, actor and object fetches included) through that instance's guarded
 * client.  Code running outside any instance (a test talking to a server)
 * keeps the plain fetch.
 */
export function installFetchGuard(): void {
  if (installed) return;
  installed = true;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const http = current.getStore();
    return http ? http.fetch(input, init) : nativeFetch(input, init);
  }) as typeof fetch;
}

/**
 * The one client for every outgoing request of an instance: a connect and a
 * total timeout, at most a few sockets per origin, and no request to a
 * private or loopback address unless the origin is a trusted peer, checked
 * for the first URL and again for every redirect (and at DNS resolution, so
 * a name cannot change its answer between the check and the connection).
 */
export class OutgoingHttp {
  readonly #options: OutgoingHttpOptions;
  readonly agent: Agent;

  constructor(options: OutgoingHttpOptions) {
    this.#options = options;
    const resolve = options.lookup ?? dnsLookup;
    const guardedLookup = (hostname: string, lookupOptions: object, callback: (...args: unknown[]) => void) => {
      resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
        if (error) return callback(error);
        const list = addresses as LookupAddress[];
        if (!this.#mayReachPrivate(hostname) && list.some((a) => !isPublicAddress(a.address))) {
          return callback(new OutgoingRequestRefused(`${hostname} resolves to a private address`));
        }
        if ((lookupOptions as { all?: boolean }).all) return callback(null, list);
        return callback(null, list[0]?.address, list[0]?.family);
      });
    };
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs, lookup: guardedLookup as never },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: options.connectionsPerOrigin,
    });
  }

  get timeoutMs(): number {
    return this.#options.timeoutMs;
  }

  /** Runs work (a request handler, a queue worker) so its fetches use this client. */
  run<T>(fn: () => T): T {
    return current.run(this, fn);
  }

  /**
   * Runs work whose requests, together, must end within `ms`: an inbox
   * activity that needs a peer's documents frees its worker when the peer
   * hangs, instead of holding it for the full timeout of every request.
   */
  within<T>(ms: number, fn: () => T): T {
    return deadlines.run(Date.now() + ms, fn);
  }

  #isTrustedOrigin(origin: string): boolean {
    for (const trusted of this.#options.trustedOrigins()) if (trusted === origin) return true;
    return false;
  }

  /** DNS answers for a trusted peer's host name may be private, whatever the port. */
  #mayReachPrivate(hostname: string): boolean {
    if (this.#options.allowPrivateAddress) return true;
    for (const trusted of this.#options.trustedOrigins()) if (new URL(trusted).hostname === hostname) return true;
    return false;
  }

  /** The same origin (or its https upgrade), or an active peer. */
  #mayRedirect(from: URL, to: URL): boolean {
    if (to.origin === from.origin) return true;
    if (to.protocol === "https:" && to.hostname === from.hostname && from.protocol === "http:") return true;
    if (!this.#options.redirectOrigins) return false;
    for (const origin of this.#options.redirectOrigins()) if (origin === to.origin) return true;
    return false;
  }

  /** Refuses a URL this instance must not request. */
  async check(url: URL): Promise<void> {
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutgoingRequestRefused(`Unsupported protocol: ${url.protocol}`);
    if (this.#options.allowPrivateAddress || this.#isTrustedOrigin(url.origin)) return;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (host === "localhost" || host.endsWith(".localhost")) throw new OutgoingRequestRefused(`${host} is not allowed`);
    if (isIP(host)) {
      if (!isPublicAddress(host)) throw new OutgoingRequestRefused(`${host} is a private address`);
      return;
    }
    const resolve = this.#options.lookup ?? dnsLookup;
    const addresses = await new Promise<LookupAddress[]>((ok, fail) =>
      resolve(host, { all: true }, (error, found) => (error ? fail(error) : ok(found as LookupAddress[]))),
    );
    if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) {
      throw new OutgoingRequestRefused(`${host} resolves to a private address`);
    }
  }

  /** fetch, guarded: timeouts, the address checks, and redirects followed (and checked) here. */
  async fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const observe = this.#options.observe;
    if (!observe) return this.#fetch(input, init);
    const method = (init.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    const host = new URL(input instanceof Request ? input.url : input instanceof URL ? input.href : String(input)).host;
    try {
      const response = await this.#fetch(input, init);
      observe({ method, host, status: response.status });
      return response;
    } catch (error) {
      observe({ method, host, status: null, error: (error as Error).name === "TimeoutError" ? "timeout" : "error" });
      throw error;
    }
  }

  async #fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const request = input instanceof Request ? input : null;
    let url = new URL(request ? request.url : input instanceof URL ? input.href : String(input));
    const follow = (init.redirect ?? request?.redirect ?? "follow") === "follow";
    const deadline = deadlines.getStore();
    const timeoutMs = deadline == null ? this.#options.timeoutMs : Math.max(1, Math.min(this.#options.timeoutMs, deadline - Date.now()));
    const signals = [AbortSignal.timeout(timeoutMs), init.signal, request?.signal].filter((s): s is AbortSignal => s != null);
    const signal = signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
    let currentInput: RequestInfo | URL = input;
    for (let hop = 0; ; hop++) {
      await this.check(url);
      const response = await nativeFetch(currentInput, { ...init, redirect: "manual", signal, dispatcher: this.agent } as RequestInit);
      const location = response.headers.get("location");
      const method = (init.method ?? request?.method ?? "GET").toUpperCase();
      // A redirect stays on the network, whoever follows it (we, or Fedify's loader by hand).
      if (REDIRECT_STATUSES.has(response.status) && location && (method === "GET" || method === "HEAD")) {
        let next: URL | null;
        try {
          next = new URL(location, url);
        } catch {
          next = null;
        }
        if (!next || !this.#mayRedirect(url, next)) {
          await response.body?.cancel();
          throw new OutgoingRequestRefused(`A redirect from ${url.origin} to ${next?.origin ?? "an invalid URL"} leaves the network`);
        }
      }
      if (!follow || !REDIRECT_STATUSES.has(response.status) || !location || (method !== "GET" && method !== "HEAD")) return response;
      if (hop >= MAX_REDIRECTS) throw new TypeError(`Too many redirects fetching ${url.href}`);
      await response.body?.cancel();
      url = new URL(location, url);
      // A redirect is a new GET: only the caller's headers go along, never a body.
      currentInput = url;
      init = { method, headers: init.headers ?? request?.headers };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
