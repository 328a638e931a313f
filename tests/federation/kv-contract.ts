import { CircuitBreaker, type KvStore, MemoryKvStore } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { afterEach, beforeEach, expect, it } from "vitest";

export interface KvBackend<K extends KvStore & Required<Pick<KvStore, "cas">>> {
  open(): Promise<K>;
  close(): Promise<void>;
}

/**
 * What every KvStore of ours must do, whichever database is under it: Fedify's
 * own contract, its circuit breaker, and prefix listing.  Called inside a
 * describe by each backend's test file.
 */
export function kvStoreContract<K extends KvStore & Required<Pick<KvStore, "cas">>>(name: string, backend: KvBackend<K>): void {
  let kv: K;
  beforeEach(async () => {
    kv = await backend.open();
  });
  afterEach(() => backend.close());

  it("gets, sets and deletes JSON values", async () => {
    expect(await kv.get(["a"])).toBeUndefined();
    await kv.set(["a", "b"], { n: 1, list: [1, "x"] });
    expect(await kv.get(["a", "b"])).toEqual({ n: 1, list: [1, "x"] });
    await kv.set(["a", "b"], "replaced");
    expect(await kv.get(["a", "b"])).toBe("replaced");
    await kv.delete(["a", "b"]);
    expect(await kv.get(["a", "b"])).toBeUndefined();
  });

  it("expires values after their ttl", async () => {
    await kv.set(["short"], 1, { ttl: Temporal.Duration.from({ milliseconds: 50 }) });
    await kv.set(["long"], 2, { ttl: Temporal.Duration.from({ hours: 1 }) });
    expect(await kv.get(["short"])).toBe(1);
    // The passing of time is what is tested: the value's 50 ms run out.
    await new Promise((r) => setTimeout(r, 80));
    expect(await kv.get(["short"])).toBeUndefined();
    expect(await kv.get(["long"])).toBe(2);
  });

  it("compares and swaps", async () => {
    expect(await kv.cas(["c"], undefined, 1)).toBe(true);
    expect(await kv.cas(["c"], undefined, 2)).toBe(false);
    expect(await kv.cas(["c"], 1, 3)).toBe(true);
    expect(await kv.get(["c"])).toBe(3);
    expect(await kv.cas(["c"], 1, 4)).toBe(false);
  });

  // @fedify/testing 2.3.6 ships no KvStore suite, so Fedify's own MemoryKvStore
  // test steps run here against both stores: ours must answer as Fedify's does.
  for (const [store_name, make] of [
    [name, () => kv],
    ["Fedify's MemoryKvStore", () => new MemoryKvStore()],
  ] as const) {
    it(`behaves as Fedify's KvStore contract says (${store_name})`, async () => {
      const store: KvStore = make();
      await store.set(["foo", "bar"], "foobar");
      expect(await store.get(["foo", "bar"])).toBe("foobar");
      expect(await store.get(["foo"])).toBeUndefined();
      await store.set(["foo", "baz"], "baz", { ttl: Temporal.Duration.from({ seconds: 0 }) });
      await new Promise((r) => setTimeout(r, 10));
      expect(await store.get(["foo", "baz"])).toBeUndefined();
      await store.delete(["foo", "bar"]);
      expect(await store.get(["foo", "bar"])).toBeUndefined();
      await store.set(["foo", "bar"], "foobar");
      expect(await store.cas!(["foo", "bar"], "bar", "baz")).toBe(false);
      expect(await store.get(["foo", "bar"])).toBe("foobar");
      expect(await store.cas!(["foo", "bar"], "foobar", "baz")).toBe(true);
      expect(await store.get(["foo", "bar"])).toBe("baz");
      await store.delete(["foo", "bar"]);
      expect(await store.cas!(["foo", "bar"], "foobar", "baz")).toBe(false);
      expect(await store.get(["foo", "bar"])).toBeUndefined();
      expect(await store.cas!(["foo", "bar"], undefined, "baz")).toBe(true);
      expect(await store.get(["foo", "bar"])).toBe("baz");
      // Structural equality: the same object with its keys in another order.
      await store.set(["obj"], { state: "open", failures: ["t1"], opened: "t2" });
      expect(await store.cas!(["obj"], { opened: "t2", failures: ["t1"], state: "open" }, { state: "half-open" })).toBe(true);
      // A new value of undefined removes the entry.
      expect(await store.cas!(["obj"], { state: "half-open" }, undefined)).toBe(true);
      expect(await store.get(["obj"])).toBeUndefined();
      expect(await store.cas!(["obj"], undefined, 1)).toBe(true);
      const keys: [string, ...string[]][] = [["prefix", "a"], ["prefix", "b"], ["prefix", "nested", "c"], ["other", "x"], ["prefix"]];
      for (const k of keys) await store.set(k, k.join("/"));
      const entries = [];
      for await (const e of store.list(["prefix"])) entries.push(e);
      expect(entries).toHaveLength(4);
      const none = [];
      for await (const e of store.list(["nonexistent"])) none.push(e);
      expect(none).toHaveLength(0);
    });
  }

  it("lets Fedify's circuit breaker open, probe and close again", async () => {
    let now = Temporal.Instant.from("2026-11-23T10:00:00Z");
    const changes: string[] = [];
    const breaker = new CircuitBreaker({
      kv,
      prefix: ["_fedify", "circuit"],
      options: {
        failureThreshold: 3,
        recoveryDelay: { seconds: 10 },
        onStateChange: (_host, from, to) => void changes.push(`${from}->${to}`),
      },
      now: () => now,
    });
    for (let i = 0; i < 3; i++) await breaker.recordFailure("peer.example");
    expect((await breaker.getState("peer.example"))?.state).toBe("open");
    expect((await breaker.beforeSend("peer.example", {} as never)).type).toBe("hold");
    now = now.add({ seconds: 11 });
    expect(await breaker.beforeSend("peer.example", {} as never)).toMatchObject({ type: "send", probe: true });
    await breaker.recordSuccess("peer.example");
    expect(await breaker.getState("peer.example")).toBeUndefined();
    expect(changes).toEqual(["closed->open", "open->half-open", "half-open->closed"]);
  });

  it("lists by prefix without matching siblings that merely share text", async () => {
    await kv.set(["p", "a"], 1);
    await kv.set(["p", "a", "deep"], 2);
    await kv.set(["p", "ab"], 3);
    await kv.set(["q"], 4);
    const listed = [];
    for await (const e of kv.list(["p", "a"])) listed.push(e);
    listed.sort((x, y) => (x.value as number) - (y.value as number));
    expect(listed).toEqual([
      { key: ["p", "a"], value: 1 },
      { key: ["p", "a", "deep"], value: 2 },
    ]);
    const all = [];
    for await (const e of kv.list()) all.push(e.key);
    expect(all).toHaveLength(4);
  });
}
