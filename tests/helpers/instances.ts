import { createServer } from "node:net";
import type { LogRecord, Sink } from "@logtape/logtape";
import { type Config, loadConfig } from "../../src/config.ts";
import { configureLogging } from "../../src/logging.ts";
import { type RunningInstance, type StartOptions, startInstance } from "../../src/server.ts";
import { tempDir } from "./temp.ts";

/** Every log record of every instance started in this test file, rendered to text. */
export const capturedLogs: string[] = [];
const captureSink: Sink = (record: LogRecord) => {
  capturedLogs.push(
    `${record.category.join(".")} ${record.message.map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join("")} ${JSON.stringify(record.properties, (_k, v) => (v instanceof Error ? v.message : v))}`,
  );
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestInstance extends RunningInstance {
  readonly origin: string;
  readonly dataDir: string;
  readonly config: Config;
  /** The environment the configuration came from, to run the same instance as a process. */
  readonly env: Record<string, string>;
}

/**
 * Stops an instance (server, queue and database; the data stays) and starts it
 * again on the same port and data directory.  The object is updated in place
 * so tests keep their reference.
 */
export async function restart(instance: TestInstance, options: StartOptions = {}): Promise<void> {
  await instance.close();
  const running = await startInstance(instance.config, options);
  Object.assign(instance, {
    services: running.services,
    close: running.close,
    url: running.url,
    queues: running.queues,
    streaming: running.streaming,
  });
}

export async function stop(instance: TestInstance): Promise<void> {
  await instance.close();
  Object.assign(instance, { close: async () => {} });
}

export async function start(instance: TestInstance, options: StartOptions = {}): Promise<void> {
  const running = await startInstance(instance.config, options);
  Object.assign(instance, {
    services: running.services,
    close: running.close,
    url: running.url,
    queues: running.queues,
    streaming: running.streaming,
  });
}

export interface InstanceOptions {
  readonly name?: string;
  readonly country?: string;
  /** Extra configuration, e.g. shorter HTTP timeouts or CONSILIUM_ALLOW_PRIVATE_ADDRESS=false. */
  readonly env?: Record<string, string>;
}

/**
 * Starts N instances, each with its own SQLite file in a temporary data
 * directory and its own HTTP server on a loopback port.
 */
export async function startInstances(
  count: number,
  options: (InstanceOptions & StartOptions)[] = [],
): Promise<TestInstance[] & { closeAll(): Promise<void> }> {
  // Captured for the privacy tests; shown on the console only when TEST_LOG=1.
  await configureLogging("info", { console: process.env["TEST_LOG"] === "1", sinks: [captureSink] });
  const instances: TestInstance[] = [];
  const dirs: ReturnType<typeof tempDir>[] = [];
  for (let i = 0; i < count; i++) {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      NODE_ENV: "test",
      CONSILIUM_ORIGIN: origin,
      HOST: "127.0.0.1",
      PORT: String(port),
      CONSILIUM_DATA_DIR: dir.path,
      CONSILIUM_SECRET: `test-secret-${i}-${"x".repeat(32)}`,
      CONSILIUM_INSTANCE_NAME: options[i]?.name ?? `Test instance ${i + 1}`,
      CONSILIUM_COUNTRY: options[i]?.country ?? "GB",
      CONSILIUM_ALLOW_PRIVATE_ADDRESS: "true",
      CONSILIUM_PASSWORD_COST: "12",
      LOG_LEVEL: "info",
      // Tests stop instances often; a stop waits at most this long for work in flight.
      CONSILIUM_SHUTDOWN_SECONDS: "3",
      ...options[i]?.env,
    };
    const config = loadConfig(env);
    const running = await startInstance(config, options[i]);
    instances.push({ ...running, origin, dataDir: dir.path, config, env });
  }
  return Object.assign(instances, {
    async closeAll() {
      for (const instance of instances) await instance.close().catch(() => {});
      for (const dir of dirs) dir.cleanup();
    },
  });
}
