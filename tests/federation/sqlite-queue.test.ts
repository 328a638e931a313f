import { fork } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.ts";
import { SqliteMessageQueue } from "../../federation/sqlite-queue.ts";
import { tempDir } from "../helpers/temp.ts";
import { queueContract } from "./queue-contract.ts";

describe("SqliteMessageQueue", () => {
  let dir: ReturnType<typeof tempDir>;
  let handles: DatabaseHandle[] = [];
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  queueContract({
    open(options) {
      // A connection of its own to one file, as another process would have.
      const handle = openDatabase(`${dir.path}/mq.sqlite`);
      handles.push(handle);
      return Promise.resolve(new SqliteMessageQueue(handle.sqlite, options));
    },
    closeAll() {
      for (const h of handles) h.close();
      handles = [];
      return Promise.resolve();
    },
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
});
