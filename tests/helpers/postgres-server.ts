// A throwaway PostgreSQL server for the test run, from Debian's package: a
// fresh cluster in a temporary directory, loopback only, durability off.
// Started once by tests/global-setup.ts; test files get its URL and make
// their own databases (see postgres.ts).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Debian installs each major version's programs under /usr/lib/postgresql/<n>/bin; the newest wins. */
export function postgresBinaries(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, "bin") : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgresServer(bin: string): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "consilium-pg-"));
  const data = join(dir, "data");
  // initdb refuses to run as root: the cluster then belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? postgresUser() : null;
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  // Spawned as that user directly (not through runuser, which ignores the SIGINT that stops the server).
  const as = owner ? { uid: owner.uid, gid: owner.gid, cwd: dir } : {};
  const initResult = spawnSync(
    join(bin, "initdb"),
    ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"],
    {
      encoding: "utf8",
      ...as,
    },
  );
  if (initResult.status !== 0) throw new Error(`initdb failed: ${initResult.stderr || initResult.stdout || initResult.error}`);

  const port = await freePort();
  const settings = [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=400",
    "-c",
    "shared_buffers=64MB",
  ];
  const server: ChildProcess = spawn(join(bin, "postgres"), settings, { stdio: ["ignore", "ignore", "pipe"], ...as });
  let log = "";
  server.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilAccepting(url, server, () => log);
  return {
    url,
    async stop() {
      if (server.exitCode == null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing waits. Should it hang even so,
        // SIGKILL after 20 s: a run must end (the data is thrown away either way).
        server.kill("SIGINT");
        const stuck = setTimeout(() => server.kill("SIGKILL"), 20_000);
        await exited;
        clearTimeout(stuck);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (id.status !== 0) throw new Error("Running as root needs the postgres user (Debian's postgresql package creates it)");
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Waits for the server's own "ready" line, then checks that it answers; fails at once when it exits. */
async function waitUntilAccepting(url: string, server: ChildProcess, log: () => string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!log().includes("ready to accept connections")) return;
      server.stderr?.off("data", check);
      resolve();
    };
    server.stderr?.on("data", check);
    server.once("exit", (code) => reject(new Error(`postgres exited (${code}): ${log()}`)));
    check();
  });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
  } finally {
    await sql.end();
  }
}
