import { type MessageQueue, type MessageQueueListenOptions } from "@fedify/fedify";
import { testMessageQueue } from "@fedify/testing";
import { Temporal } from "@js-temporal/polyfill";
import { afterEach, expect, it } from "vitest";
import type { QueueOptions } from "../../federation/queue-rules.ts";

type Lanes = { origin: string; queued: number }[];
export type TestQueue = MessageQueue & { lanes(): Lanes | Promise<Lanes> };

export interface QueueBackend<Q extends TestQueue> {
  /** A queue on the test's database, on a connection of its own (as another process or node would have). */
  open(options?: QueueOptions): Promise<Q>;
  /** Closes every connection opened so far; open() may be called again after (a restart). */
  closeAll(): Promise<void>;
}

/** Runs listen() until the handler has seen `count` messages; returns them in the order handled. */
export async function receive(queue: MessageQueue, count: number, handle?: (m: unknown) => Promise<void>): Promise<unknown[]> {
  const controller = new AbortController();
  const received: unknown[] = [];
  const options: MessageQueueListenOptions = { signal: controller.signal };
  await queue.listen(async (m) => {
    await handle?.(m);
    received.push(m);
    if (received.length >= count) controller.abort();
  }, options);
  return received;
}

/**
 * What every message queue of ours promises, whichever database holds it.
 * Called inside a describe by each backend's test file, which sets up and
 * removes the database around each test.
 */
export function queueContract<Q extends TestQueue>(backend: QueueBackend<Q>): void {
  afterEach(() => backend.closeAll());

  it("passes Fedify's message queue test suite, ordering keys included", { timeout: 90_000 }, async () => {
    const listening: Promise<void>[] = [];
    await testMessageQueue(
      async () => {
        const queue = await backend.open({ pollIntervalMs: 50 });
        // Each listener's end is kept, so the connections close only once every loop has stopped.
        const listen = queue.listen.bind(queue);
        queue.listen = (handler, options) => {
          const running = listen(handler, options);
          listening.push(running.catch(() => {}));
          return running;
        };
        return queue;
      },
      async ({ controller }) => {
        controller.abort();
        await Promise.all(listening);
        await backend.closeAll();
      },
      { testOrderingKey: true },
    );
  });

  it("delivers after a restart what was enqueued before it", async () => {
    await (await backend.open()).enqueue({ id: "before-crash" });
    await backend.closeAll();
    const queue = await backend.open({ pollIntervalMs: 20 });
    expect(await receive(queue, 1)).toEqual([{ id: "before-crash" }]);
    expect((await queue.getDepth!()).queued).toBe(0);
  });

  it("a retried message keeps its place, so a later one for the same object cannot overtake it", async () => {
    const queue = await backend.open({ pollIntervalMs: 10, concurrency: 2 });
    await queue.enqueue({ id: "create", type: "outbox", inbox: "https://peer.example/inbox" }, { orderingKey: "post-1" });
    await queue.enqueue({ id: "update", type: "outbox", inbox: "https://peer.example/inbox" }, { orderingKey: "post-1" });
    const controller = new AbortController();
    const delivered: string[] = [];
    let failures = 0;
    await queue.listen(
      async (m) => {
        const message = m as { id: string; attempt?: number };
        // The first attempt at "create" fails and is re-enqueued with a delay, as Fedify does.
        if (message.id === "create" && failures++ === 0) {
          await queue.enqueue({ ...message, attempt: 1 }, { orderingKey: "post-1", delay: Temporal.Duration.from({ milliseconds: 150 }) });
          return;
        }
        delivered.push(message.id);
        if (delivered.length === 2) controller.abort();
      },
      { signal: controller.signal },
    );
    expect(delivered).toEqual(["create", "update"]);
  });

  it("keeps per-key order across two listeners on separate connections, with slow handlers", async () => {
    const [a, b] = [await backend.open({ pollIntervalMs: 10, concurrency: 2 }), await backend.open({ pollIntervalMs: 10, concurrency: 2 })];
    for (let i = 0; i < 12; i++) await a.enqueue({ key: `k${i % 3}`, n: i }, { orderingKey: `k${i % 3}` });
    const seen: { key: string; n: number }[] = [];
    const controller = new AbortController();
    const handler = async (m: unknown) => {
      // A handler that yields to the other listener several times before it finishes.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      seen.push(m as { key: string; n: number });
      if (seen.length === 12) controller.abort();
    };
    await Promise.all([a.listen(handler, { signal: controller.signal }), b.listen(handler, { signal: controller.signal })]);
    for (const key of ["k0", "k1", "k2"]) {
      const ns = seen.filter((m) => m.key === key).map((m) => m.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(4);
    }
  });

  it("a lane at its limit holds only itself: other origins go on", async () => {
    const queue = await backend.open({ pollIntervalMs: 10, concurrency: 4, laneLimit: 1 });
    for (let i = 0; i < 4; i++) await queue.enqueue({ id: `slow-${i}`, type: "outbox", inbox: "https://black-hole.example/inbox" });
    for (let i = 0; i < 3; i++) await queue.enqueue({ id: `fast-${i}`, type: "outbox", inbox: "https://peer.example/inbox" });
    const controller = new AbortController();
    const done: string[] = [];
    let slowAtOnce = 0;
    let maxSlowAtOnce = 0;
    // A slow delivery hangs until the other lane's three are through: only the lane limit lets those pass.
    let release!: () => void;
    const otherLaneDone = new Promise<void>((r) => (release = r));
    await queue.listen(
      async (m) => {
        const { id } = m as { id: string };
        if (id.startsWith("slow")) {
          slowAtOnce++;
          maxSlowAtOnce = Math.max(maxSlowAtOnce, slowAtOnce);
          await otherLaneDone;
          slowAtOnce--;
          return;
        }
        done.push(id);
        if (done.length === 3) {
          controller.abort();
          release();
        }
      },
      { signal: controller.signal },
    );
    expect(done.sort()).toEqual(["fast-0", "fast-1", "fast-2"]);
    expect(maxSlowAtOnce).toBe(1);
    expect((await queue.lanes()).find((l) => l.origin === "https://black-hole.example")?.queued).toBeGreaterThan(0);
  });

  it("keeps delayed messages back until they are due", async () => {
    const queue = await backend.open({ pollIntervalMs: 20 });
    await queue.enqueue("later", { delay: Temporal.Duration.from({ hours: 1 }) });
    expect(await queue.getDepth!()).toEqual({ queued: 1, ready: 0, delayed: 1 });
  });
}
