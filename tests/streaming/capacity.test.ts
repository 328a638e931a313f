import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, quickPhysicians } from "../helpers/client.ts";
import { startInstances, stop, type TestInstance } from "../helpers/instances.ts";
import { eventually } from "../helpers/network.ts";
import { StreamClient } from "../helpers/stream-client.ts";

const CONNECTIONS = Number(process.env["STREAMING_CONNECTIONS"] ?? 1000);

/** Resident memory of a process in MiB (Linux). */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/**
 * A thousand idle streaming connections on an instance running as its own
 * process (so its memory is its own): they stay open, each gets the next
 * post, and the server's memory grows by a bounded amount per connection.
 */
const METRICS_TOKEN = "capacity-test-metrics-token";

describe("idle streaming connections", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let child: ChildProcess;
  let reader: { token: string }, writer: { token: string };
  const clients: StreamClient[] = [];

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    const [r, w] = await quickPhysicians(uk, 2);
    [reader, writer] = [r!, w!];
    await stop(uk);
    child = fork(new URL("../../src/main.ts", import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...uk.env, LOG_LEVEL: "warning", CONSILIUM_METRICS_TOKEN: METRICS_TOKEN },
      stdio: "ignore",
    });
    await eventually(
      async () => (await fetch(`${uk.origin}/api/v1/instance`).catch(() => null))?.ok,
      "the instance process to answer",
      30_000,
    );
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    child?.kill("SIGKILL");
    await instances.closeAll();
  });

  it(`holds ${CONNECTIONS} idle connections with bounded memory, and each gets the next post`, async () => {
    const openBatch = async (n: number) => {
      for (let i = 0; i < n; i += 50) {
        clients.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(50, n - i) }, () => StreamClient.open(uk.origin, reader.token, { stream: "public:local" })),
          )),
        );
      }
    };
    // RSS is read once the server itself counts every connection open (its streams gauge), not after a fixed wait.
    const serverHolds = (n: number) =>
      eventually(
        async () => {
          const text = await (await fetch(`${uk.origin}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
          return Number(/^consilium_streams_active (\d+)/m.exec(text)?.[1]) === n;
        },
        `the server to hold ${n} streams`,
        30_000,
      );
    await openBatch(10);
    await serverHolds(10);
    const baseline = rssMiB(child.pid!);
    await openBatch(CONNECTIONS - 10);
    await serverHolds(CONNECTIONS);
    const held = rssMiB(child.pid!);
    await api(uk, "POST", "/api/v1/statuses", { token: writer.token, json: { status: "To every open stream" } });
    await eventually(
      () => clients.every((c) => c.find("update", "To every open stream")),
      `all ${CONNECTIONS} streams to get the post`,
      30_000,
    );
    const afterBroadcast = rssMiB(child.pid!);
    const perConnectionKiB = ((held - baseline) * 1024) / (CONNECTIONS - 10);
    console.log(
      `streaming capacity: ${CONNECTIONS} idle connections; server RSS ${baseline.toFixed(1)} MiB with 10, ${held.toFixed(1)} MiB with ${CONNECTIONS} ` +
        `(${perConnectionKiB.toFixed(1)} KiB each), ${afterBroadcast.toFixed(1)} MiB after one post to all`,
    );
    expect(clients.filter((c) => c.ws.readyState !== c.ws.OPEN)).toEqual([]);
    // Bounded: well under 100 KiB a connection, and one broadcast does not balloon it.
    expect(perConnectionKiB).toBeLessThan(100);
    expect(afterBroadcast - held).toBeLessThan(64);
  }, 120_000);
});
