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
  constructor(key: Buffer, origin: string) {
    this.#key = key;
    this.#origin = origin;
  }

  #sign(fileName: string, expires: number): string {
    return createHmac("sha256", this.#key).update(`${fileName}\0${expires}`).digest("base64url");
  }

  url(fileName: string, now = Date.now()): string {
    const expires = (Math.floor(now / 1000 / DAY) + LIFETIME_DAYS) * DAY;
    return `${this.#origin}/media/${fileName}?expires=${expires}&sig=${this.#sign(fileName, expires)}`;
  }

  verify(fileName: string, expires: string | undefined, sig: string | undefined, now = Date.now()): boolean {
    if (!expires || !sig || !/^\d+$/.test(expires)) return false;
    if (Number(expires) * 1000 < now) return false;
    const expected = Buffer.from(this.#sign(fileName, Number(expires)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
