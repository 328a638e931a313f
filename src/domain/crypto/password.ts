import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const R = 8;
const P = 1;
const KEY_LENGTH = 32;

/** OWASP's recommended scrypt floor is N=2^17, r=8, p=1. */
export const DEFAULT_PASSWORD_COST = 17;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the same time as a real check, for logins of unknown e-mails. */
  burn(password: string): Promise<void>;
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * scrypt with N = 2^cost.  The parameters are stored with each hash, so the
 * cost can be raised later without invalidating existing passwords.
 */
export function createPasswordHasher(cost = DEFAULT_PASSWORD_COST): PasswordHasher {
  const n = 1 << cost;
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await derive(password, salt, n, R, P);
      return `scrypt$${n}$${R}$${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
    },
    async verify(password, stored) {
      const [scheme, sn, sr, sp, salt, key] = stored.split("$");
      if (scheme !== "scrypt" || !sn || !sr || !sp || !salt || !key) return false;
      const expected = Buffer.from(key, "base64url");
      const actual = await derive(password, Buffer.from(salt, "base64url"), Number(sn), Number(sr), Number(sp));
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    async burn(password) {
      await derive(password, randomBytes(16), n, R, P);
    },
  };
}
