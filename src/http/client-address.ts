import { BlockList, isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The client's address as the brakes and logs should see it: the socket's
 * peer, or, when that peer is a configured reverse proxy, the nearest address
 * in X-Forwarded-For that is not one of ours.  An X-Forwarded-For from anyone
 * else is ignored, so a client cannot choose its own address.
 */
export class ClientAddresses {
  readonly #proxies = new BlockList();
  readonly #any: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const [address, prefix] = entry.split("/") as [string, string | undefined];
      const type = isIP(address) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) this.#proxies.addAddress(address, type);
      else this.#proxies.addSubnet(address, Number(prefix), type);
    }
    this.#any = trustedProxies.length > 0;
  }

  #trusted(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    const family = isIP(plain);
    return family !== 0 && this.#proxies.check(plain, family === 6 ? "ipv6" : "ipv4");
  }

  /** Whether the request came straight from a configured proxy (its X-Forwarded-* headers count). */
  fromProxy(c: Context): boolean {
    return this.#any && this.#trusted(socketAddress(c));
  }

  of(c: Context): string {
    const socket = socketAddress(c);
    if (!this.#any || !this.#trusted(socket)) return socket;
    const forwarded = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => isIP(s) !== 0);
    for (let i = forwarded.length - 1; i >= 0; i--) if (!this.#trusted(forwarded[i]!)) return forwarded[i]!;
    return forwarded[0] ?? socket;
  }
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
