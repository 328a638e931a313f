import { randomBytes } from "node:crypto";

let lastMs = 0;
let sequence = 0;

/**
 * Mastodon-style ids: decimal strings that sort by creation time
 * (milliseconds << 16 | a per-millisecond sequence), so `max_id`/`since_id`
 * pagination can compare them as numbers.
 */
export function newId(now = Date.now()): string {
  if (now <= lastMs) {
    sequence++;
    if (sequence > 0xffff) {
      lastMs++;
      sequence = 0;
    }
  } else {
    lastMs = now;
    sequence = randomBytes(1)[0]! & 0x3f;
  }
  return ((BigInt(lastMs) << 16n) | BigInt(sequence)).toString();
}

/** An unguessable token for secrets handed to clients (codes, tokens). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** The smallest id made at or after this time (to read "since then" by primary key). */
export function idFloor(ms: number): string {
  return (BigInt(Math.max(0, Math.floor(ms))) << 16n).toString();
}
