import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { StoredFailureCounts } from "../../src/domain/failure-counts.ts";
import { FailureLimiter, ProgressiveBrake } from "../../src/domain/rate-limit.ts";
import { tempDir } from "../helpers/temp.ts";

/**
 * The sign-in and second-factor brakes keep their counts in the database:
 * two processes on one file (two connections) brake the same key alike, and
 * the file holds digests, not the e-mail or client address.
 */
describe("failure counts shared by every process", () => {
  const dir = tempDir();
  afterEach(() => dir.cleanup());

  const twoProcesses = () => {
    const path = `${dir.path}/brakes.sqlite`;
    const [a, b] = [openDatabase(path), openDatabase(path)];
    return { path, a: new StoredFailureCounts(a.db), b: new StoredFailureCounts(b.db), close: () => (a.close(), b.close()) };
  };

  it("a brake fed by one process holds in the other, and a success there forgives", () => {
    const { path, a, b, close } = twoProcesses();
    try {
      const key = "dr.who@example.test|203.0.113.9";
      const options = { free: 2, windowMs: 15 * 60_000, firstDelayMs: 30_000, scope: "sign-in:pair" };
      const [here, there] = [new ProgressiveBrake({ ...options, counts: a }), new ProgressiveBrake({ ...options, counts: b })];
      const now = 1_800_000_000_000;
      here.fail(key, now);
      there.fail(key, now + 1);
      expect(here.retryAfter(key, now + 2)).toBe(30);
      expect(there.retryAfter(key, now + 2)).toBe(30);
      // Another key, or the same one in another scope, is not slowed.
      expect(there.retryAfter("someone.else@example.test|203.0.113.9", now + 2)).toBe(0);
      expect(new ProgressiveBrake({ ...options, scope: "sign-in:address", counts: b }).retryAfter(key, now + 2)).toBe(0);
      here.reset(key);
      expect(there.retryAfter(key, now + 3)).toBe(0);
      there.fail(key, now + 4);
      const raw = readFileSync(path).toString("latin1") + readFileSync(`${path}-wal`).toString("latin1");
      expect(raw).not.toContain("dr.who@example.test");
      expect(raw).not.toContain("203.0.113.9");
    } finally {
      close();
    }
  });

  it("second-factor codes: five wrong ones across processes lock the window for both", () => {
    const { a, b, close } = twoProcesses();
    try {
      const [here, there] = [new FailureLimiter(5, 15 * 60_000, { counts: a }), new FailureLimiter(5, 15 * 60_000, { counts: b })];
      const now = 1_800_000_000_000;
      for (let i = 0; i < 4; i++) (i % 2 ? here : there).fail("staff-1", now + i);
      expect(here.retryAfter("staff-1", now + 10)).toBe(0);
      there.fail("staff-1", now + 10);
      expect(here.retryAfter("staff-1", now + 11)).toBe(900);
      expect(there.retryAfter("staff-1", now + 15 * 60_000)).toBe(0);
    } finally {
      close();
    }
  });
});
