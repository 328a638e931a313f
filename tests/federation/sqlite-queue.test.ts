import { fork } from "node:child_process";
import { testMessageQueue } from "@fedify/testing";
import { Temporal } from "@js-temporal/polyfill";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { SqliteMessageQueue } from "../../federation/sqlite-queue.ts";
import { tempDir } from "../helpers/temp.ts";

describe("SqliteMessageQueue", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it("passes Fedify's message queue test suite, ordering keys included", { timeout: 90_000 }, async () => {
    const handles: ReturnType<typeof openDatabase>[] = [];
    const listening: Promise<void>[] = [];
    await testMessageQueue(
      () => {
        // Two connections to one file, as two processes would have.
        const handle = openDatabase(`${dir.path}/mq.sqlite`);
        handles.push(handle);
        const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 50 });
        // Each listener's end is kept, so the files close only once every loop has stopped.
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
        for (const h of handles) h.close();
      },
      { testOrderingKey: true },
    );
  });

  it("delivers after a restart what was enqueued before it", async () => {
    const path = `${dir.path}/mq.sqlite`;
    let handle = openDatabase(path);
    await new SqliteMessageQueue(handle.sqlite).enqueue({ id: "before-crash" });
    handle.close();

    handle = openDatabase(path);
    const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 20 });
    const controller = new AbortController();
    const received: unknown[] = [];
    const listening = queue.listen(
      (m) => {
        received.push(m);
        controller.abort();
      },
      { signal: controller.signal },
    );
    await listening;
    expect(received).toEqual([{ id: "before-crash" }]);
    expect((await queue.getDepth()).queued).toBe(0);
    handle.close();
  });

  it("hands a message out again when its listener died while handling it", async () => {
    const path = `${dir.path}/mq.sqlite`;
    const setup = openDatabase(path);
    await new SqliteMessageQueue(setup.sqlite).enqueue("in-flight");
    setup.close();
    // A child process claims the message and is killed before finishing it.
    const child = fork(new URL("./queue-crash-child.ts", import.meta.url), [path], { stdio: "ignore" });
    await new Promise<void>((resolve) => child.on("message", () => resolve()));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));

    // The lease is ten minutes long: the restart takes it back at once
    // because the process that held it is gone.
    const handle = openDatabase(path);
    const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 20, leaseMs: 10 * 60_000 });
    expect((await queue.getDepth()).queued).toBe(1);
    const controller = new AbortController();
    const received: unknown[] = [];
    const started = Date.now();
    await queue.listen(
      (m) => {
        received.push(m);
        controller.abort();
      },
      { signal: controller.signal },
    );
    expect(received).toEqual(["in-flight"]);
    expect(Date.now() - started).toBeLessThan(2_000);
    handle.close();
  });

  it("a retried message keeps its place, so a later one for the same object cannot overtake it", async () => {
    const handle = openDatabase(`${dir.path}/mq.sqlite`);
    const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 10, concurrency: 2 });
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
    handle.close();
  });

  it("a lane at its limit holds only itself: other origins go on", async () => {
    const handle = openDatabase(`${dir.path}/mq.sqlite`);
    const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 10, concurrency: 4, laneLimit: 1 });
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
    expect(queue.lanes().find((l) => l.origin === "https://black-hole.example")?.queued).toBeGreaterThan(0);
    handle.close();
  });

  it("keeps delayed messages back until they are due", async () => {
    const handle = openDatabase(`${dir.path}/mq.sqlite`);
    const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 20 });
    await queue.enqueue("later", { delay: Temporal.Duration.from({ milliseconds: 300 }) });
    expect(await queue.getDepth()).toEqual({ queued: 1, ready: 0, delayed: 1 });
    handle.close();
  });
});
