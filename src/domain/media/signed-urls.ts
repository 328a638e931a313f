import { createHmac, timingSafeEqual } from "node:crypto";

const DAY = 86_400;
const LIFETIME_DAYS = 7;

/**
 * Media files are never public: each URL carries an expiry and an HMAC, and
 * is handed out only inside responses to people allowed to see the post.
 * The expiry is rounded to a day so a link stays stable (and cacheable) for
 * a day at a time.
 */
export class MediaUrlSigner {
  readonly #key: Buffer;
  readonly #origin: string;
  readonly #path: string;
  readonly #lifetimeDays: number;
  /** `path` other than /media signs the path too, so a link for one kind of file never opens another. */
  constructor(key: Buffer, origin: string, options: { path?: string; lifetimeDays?: number } = {}) {
    this.#key = key;
    this.#origin = origin;
    this.#path = options.path ?? "/media";
    this.#lifetimeDays = options.lifetimeDays ?? LIFETIME_DAYS;
  }

  #sign(fileName: string, expires: number): string {
    const scope = this.#path === "/media" ? "" : `${this.#path}\0`;
    return createHmac("sha256", this.#key).update(`${scope}${fileName}\0${expires}`).digest("base64url");
  }

  url(fileName: string, now = Date.now()): string {
    const expires = (Math.floor(now / 1000 / DAY) + this.#lifetimeDays) * DAY;
    return `${this.#origin}${this.#path}/${fileName}?expires=${expires}&sig=${this.#sign(fileName, expires)}`;
  }

  /** When a link made now stops working. */
  expiresAt(now = Date.now()): Date {
    return new Date((Math.floor(now / 1000 / DAY) + this.#lifetimeDays) * DAY * 1000);
  }

  verify(fileName: string, expires: string | undefined, sig: string | undefined, now = Date.now()): boolean {
    if (!expires || !sig || !/^\d+$/.test(expires)) return false;
    if (Number(expires) * 1000 < now) return false;
    const expected = Buffer.from(this.#sign(fileName, Number(expires)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
