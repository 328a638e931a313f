import { CircuitBreaker, MemoryKvStore } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { describe, expect, it } from "vitest";
import { PEER_CIRCUIT_BREAKER, peerRetryPolicy } from "../../federation/federation.ts";

/** The delivery figures README's reliability section states, checked on the settings the instances run with. */
describe("deliveries to a peer that fails", () => {
  const delay = (attempts: number, elapsed: { seconds?: number; hours?: number; days?: number }) => {
    const next = peerRetryPolicy({ attempts, elapsedTime: Temporal.Duration.from(elapsed) } as never);
    return next === null ? null : next.total("millisecond");
  };
  const within = (ms: number | null, base: number) => {
    expect(ms).not.toBeNull();
    expect(ms!).toBeGreaterThanOrEqual(base);
    expect(ms!).toBeLessThanOrEqual(base * 1.2);
  };

  it("retries after 1, 2, 4, 8, 16 s, then every 30 s for the first hour, then every 10 minutes, for three days", () => {
    [1000, 2000, 4000, 8000, 16_000].forEach((base, attempts) => within(delay(attempts, { seconds: 1 }), base));
    for (const attempts of [5, 8, 40]) within(delay(attempts, { seconds: 1800 }), 30_000);
    for (const attempts of [60, 200]) within(delay(attempts, { hours: 2 }), 600_000);
    within(delay(300, { days: 2 }), 600_000);
    expect(delay(400, { days: 3, seconds: 1 })).toBeNull();
  });

  it("opens the circuit after 5 failures in 2 minutes, holds, and probes again after 20 seconds", async () => {
    let now = Temporal.Instant.from("2026-12-03T10:00:00Z");
    const breaker = new CircuitBreaker({
      kv: new MemoryKvStore(),
      prefix: ["_fedify", "circuit"],
      options: PEER_CIRCUIT_BREAKER,
      now: () => now,
    });
    // Failures spread over more than the window do not open it.
    for (let i = 0; i < 5; i++) {
      await breaker.recordFailure("slow.example");
      now = now.add({ seconds: 40 });
    }
    expect((await breaker.getState("slow.example"))?.state ?? "closed").not.toBe("open");
    // Five within two minutes do.
    for (let i = 0; i < 4; i++) await breaker.recordFailure("down.example");
    expect((await breaker.getState("down.example"))?.state ?? "closed").not.toBe("open");
    await breaker.recordFailure("down.example");
    expect((await breaker.getState("down.example"))?.state).toBe("open");
    expect((await breaker.beforeSend("down.example", {} as never)).type).toBe("hold");
    now = now.add({ seconds: 19 });
    expect((await breaker.beforeSend("down.example", {} as never)).type).toBe("hold");
    now = now.add({ seconds: 2 });
    expect(await breaker.beforeSend("down.example", {} as never)).toMatchObject({ type: "send", probe: true });
  });
});
