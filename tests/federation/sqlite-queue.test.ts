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
    await testMessageQueue(
      () => {
        // Two connections to one file, as two processes would have.
        const handle = openDatabase(`${dir.path}/mq.sqlite`);
        handles.push(handle);
        return new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 50 });
      },
      async ({ controller }) => {
        controller.abort();
        await new Promise((r) => setTimeout(r, 100));
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
    const listening = queue.listen((m) => {
      received.push(m);
      controller.abort();
    }, { signal: controller.signal });
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

    const handle = openDatabase(path);
    const queue = new SqliteMessageQueue(handle.sqlite, { pollIntervalMs: 20, leaseMs: 200 });
    expect((await queue.getDepth()).queued).toBe(1);
    const controller = new AbortController();
    const received: unknown[] = [];
    await queue.listen((m) => {
      received.push(m);
      controller.abort();
    }, { signal: controller.signal });
    expect(received).toEqual(["in-flight"]);
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
