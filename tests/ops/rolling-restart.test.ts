import { type ChildProcess, fork } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, stop, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer } from "../helpers/network.ts";

/** The instance as production runs it: its own process, stopped by SIGTERM. */
function spawnInstance(instance: TestInstance): ChildProcess {
  return fork(new URL("../../src/main.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...instance.env, LOG_LEVEL: "warning", CONSILIUM_SHUTDOWN_SECONDS: "10" },
    stdio: "ignore",
  });
}

async function answering(instance: TestInstance): Promise<void> {
  await eventually(async () => (await fetch(`${instance.origin}/ready`).catch(() => null))?.ok, `${instance.origin} to be ready`, 30_000);
}

describe("a rolling restart under inbox load", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    ukDoc = await approvedPhysician(uk, ukStaff, { username: "rolling_uk" });
    usDoc = await approvedPhysician(us, usStaff, { username: "rolling_us" });
    await peer(uk, ukStaff, us, usStaff);
    await api(
      us,
      "POST",
      `/api/v1/accounts/${(await api(us, "GET", `/api/v2/search?q=@rolling_uk@${new URL(uk.origin).host}&resolve=true&type=accounts`, { token: usDoc.token })).body.accounts[0].id}/follow`,
      { token: usDoc.token },
    );
    await stop(us);
  }, 90_000);
  afterAll(async () => {
    child?.kill("SIGKILL");
    await instances.closeAll();
  });

  it("loses nothing: SIGTERM finishes in time, and every post sent meanwhile arrives", async () => {
    child = spawnInstance(us);
    await answering(us);
    const uris: string[] = [];
    const post = async (i: number) => {
      const res = await api(uk, "POST", "/api/v1/statuses", { token: ukDoc.token, json: { status: `Rolling ${i}` } });
      expect(res.status).toBe(200);
      uris.push(res.body.uri);
    };
    for (let i = 0; i < 15; i++) await post(i);
    // Stop while deliveries are arriving.
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    const stopping = Date.now();
    child.kill("SIGTERM");
    for (let i = 15; i < 25; i++) await post(i);
    const code = await exited;
    expect(code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(12_000);
    // The new process takes over the same port and data directory.
    child = spawnInstance(us);
    await answering(us);
    for (let i = 25; i < 40; i++) await post(i);
    await eventually(
      async () => {
        const res = await api(us, "GET", "/api/v1/timelines/home?limit=40", { token: usDoc.token });
        const seen = new Set(res.body.map((s: { uri: string }) => s.uri));
        return uris.every((u) => seen.has(u));
      },
      "all 40 posts on the restarted instance",
      60_000,
    );
  }, 120_000);
});
