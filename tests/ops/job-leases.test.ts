import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.ts";
import { JobLeases } from "../../src/ops/job-leases.ts";
import { tempDir } from "../helpers/temp.ts";

describe("JobLeases", () => {
  let dir: ReturnType<typeof tempDir>;
  let handles: DatabaseHandle[];
  // Two processes' connections to one database file.
  let a: JobLeases;
  let b: JobLeases;
  beforeEach(() => {
    dir = tempDir();
    handles = [openDatabase(`${dir.path}/db.sqlite`), openDatabase(`${dir.path}/db.sqlite`)];
    a = new JobLeases(handles[0]!.sqlite);
    b = new JobLeases(handles[1]!.sqlite);
  });
  afterEach(() => {
    for (const h of handles) h.close();
    dir.cleanup();
  });

  it("lets one process hold a job until its lease ends, and keep it by claiming again", () => {
    const t = 1_000_000;
    expect(a.claim("renewal", 60_000, t)).toBe(true);
    expect(b.claim("renewal", 60_000, t + 1)).toBe(false);
    expect(a.claim("renewal", 60_000, t + 59_000)).toBe(true);
    // a's renewed lease runs to t + 119,000.
    expect(b.claim("renewal", 60_000, t + 100_000)).toBe(false);
    expect(b.claim("renewal", 60_000, t + 119_000)).toBe(true);
    expect(a.claim("renewal", 60_000, t + 119_001)).toBe(false);
    // Other jobs are leased apart.
    expect(a.claim("backup", 60_000, t + 119_001)).toBe(true);
  });

  it("runs a job in one process only, and hands it over at once when its holder stops", async () => {
    const runs: string[] = [];
    expect(await a.runIfLeader("renewal", 3600_000, async () => runs.push("a"))).toBe(true);
    expect(await b.runIfLeader("renewal", 3600_000, async () => runs.push("b"))).toBe(false);
    a.releaseAll();
    expect(await b.runIfLeader("renewal", 3600_000, async () => runs.push("b"))).toBe(true);
    expect(runs).toEqual(["a", "b"]);
  });

  it("keeps the lease when the job fails, so that a failing job is not retried by every process at once", async () => {
    await expect(a.runIfLeader("renewal", 3600_000, () => Promise.reject(new Error("peer down")))).rejects.toThrow("peer down");
    expect(b.claim("renewal", 3600_000)).toBe(false);
  });
});
