import { fork } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createKeyring } from "../../src/domain/crypto/keyring.ts";
import { createIdentityVault } from "../../src/domain/identity/vault.ts";
import { BackupSchedule, createBackup } from "../../src/ops/backup.ts";
import { startInstance } from "../../src/server.ts";
import { api, approvedPhysician, ownerToken, quickPhysicians, uploadMedia } from "../helpers/client.ts";
import { taggedJpeg } from "../helpers/images.ts";
import { startInstances, stop, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer } from "../helpers/network.ts";
import { tempDir } from "../helpers/temp.ts";

/** The CLI as an operator runs it (npm run cli -- …), with the instance's environment. */
function cli(env: Record<string, string>, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = fork(new URL("../../src/cli.ts", import.meta.url), args, {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, ...env },
      stdio: "pipe",
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

describe("backups and restore", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let staff: string;
  let doc: Awaited<ReturnType<typeof approvedPhysician>>;
  const dirs = [tempDir(), tempDir()];
  const backups = dirs[0]!.path;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    staff = await ownerToken(uk);
    doc = await approvedPhysician(uk, staff, { username: "backup_doc", legal_name: "Ottoline Brackenbury" });
    await peer(uk, staff, us, await ownerToken(us));
    // US goes away: UK's deliveries to it stay queued.
    await stop(us);
  }, 90_000);
  afterAll(async () => {
    await instances.closeAll();
    for (const d of dirs) d.cleanup();
  });

  it("backs up while posts are being written, and a restore has every accepted post, queued delivery, media file and sealed identity", async () => {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "scan.jpg");
    form.set("description", "Plaque on the shin");
    const media = await uploadMedia(uk, doc.token, form);
    expect(media.status).toBe(200);
    await api(uk, "POST", "/api/v1/statuses", { token: doc.token, json: { status: "With an image", media_ids: [media.body.id] } });

    // Write load: posts keep coming while the backup runs.
    const accepted: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const res = await api(uk, "POST", "/api/v1/statuses", { token: doc.token, json: { status: `Under load ${i}` } });
        if (res.status === 200) accepted.push(res.body.uri);
      }
    })();
    // Enough posts are in before the backup starts, however slow the machine.
    await eventually(() => accepted.length > 5, "six posts accepted before the backup");
    const acceptedBefore = [...accepted];
    const file = join(backups, "consilium.tar.gz");
    const manifest = await createBackup(uk.config, file);
    writing = false;
    await writer;
    expect(acceptedBefore.length).toBeGreaterThan(5);
    expect(manifest.mediaFiles).toBeGreaterThan(0);
    const queuedAtBackup = (uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM fedify_queue").get() as { n: number }).n;
    expect(queuedAtBackup).toBeGreaterThan(0);

    // Restore with the CLI into an empty directory, and refuse a directory that is not.
    const restoredDir = join(dirs[1]!.path, "restored");
    const env = { ...uk.env, CONSILIUM_DATA_DIR: restoredDir };
    const restored = await cli(env, ["restore", file]);
    expect(restored).toMatchObject({ code: 0 });
    const again = await cli(env, ["restore", file]);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/not empty/);

    // Nothing accepted before the backup began is missing; the queue came along.
    const db = new Database(join(restoredDir, "consilium.sqlite"), { readonly: true });
    const uris = new Set((db.prepare("SELECT uri FROM statuses").all() as { uri: string }[]).map((r) => r.uri));
    for (const uri of acceptedBefore) expect(uris.has(uri)).toBe(true);
    expect((db.prepare("SELECT count(*) AS n FROM fedify_queue").get() as { n: number }).n).toBeGreaterThan(0);
    const sealed = db.prepare("SELECT id, identity FROM accounts WHERE username = 'backup_doc'").get() as { id: string; identity: string };
    db.close();
    // The identity opens with the instance's secret, and with no other.
    expect(createIdentityVault(createKeyring(uk.config.secret)).open(sealed.id, sealed.identity).legalName).toBe("Ottoline Brackenbury");
    expect(() => createIdentityVault(createKeyring(`another-secret-${"y".repeat(32)}`)).open(sealed.id, sealed.identity)).toThrow();

    // The restored data directory starts as the instance (same origin and secret) and serves it all.
    await stop(uk);
    const restart = await startInstance(loadConfig(env));
    try {
      const timeline = await api(uk, "GET", `/api/v1/accounts/${doc.id}/statuses?limit=40`, { token: doc.token });
      expect(timeline.status).toBe(200);
      const withImage = timeline.body.find((s: { content: string }) => s.content.includes("With an image"));
      expect((await fetch(withImage.media_attachments[0].url)).status).toBe(200);
      const identity = await api(uk, "GET", `/api/v1/admin/accounts/${doc.id}?reason=${encodeURIComponent("restore check")}`, {
        token: staff,
      });
      expect(identity.body.email).toBe(doc.applicant.email);
    } finally {
      await restart.close();
    }
  }, 120_000);

  it("refuses an archive that is not a backup, and leaves nothing half-restored", async () => {
    const bogus = join(backups, "bogus.tar.gz");
    writeFileSync(bogus, "not a tarball");
    const target = join(dirs[1]!.path, "bogus");
    const result = await cli({ ...uk.env, CONSILIUM_DATA_DIR: target }, ["restore", bogus]);
    expect(result.code).toBe(1);
    expect(existsSync(target)).toBe(false);
  }, 60_000);

  it("keeps the newest scheduled backups and removes older ones", async () => {
    // US's data directory (stopped since the start): independent of what the other tests restored.
    const dir = join(backups, "scheduled");
    mkdirSync(dir, { recursive: true });
    const schedule = new BackupSchedule({ paths: us.config, dir, keep: 2 });
    const names = new Set<string>();
    // Each backup is named by its time: wait for a new millisecond rather than sleeping.
    for (let i = 0; i < 3; i++) names.add(await schedule.run());
    expect(names.size).toBe(3);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tar.gz"))).toHaveLength(2);
    expect(schedule.latest()?.file).toMatch(/^consilium-.*\.tar\.gz$/);
  }, 60_000);
});

/** Every file under a directory (none when it does not exist). */
function filesIn(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];
}

describe("a media directory of its own (CONSILIUM_MEDIA_DIR: a volume every web node mounts)", () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it("keeps images there, backs them up from there, and restores them there, refusing one that is not empty", async () => {
    const mediaDir = join(dir.path, "shared-media");
    const instances = await startInstances(1, [{ env: { CONSILIUM_MEDIA_DIR: mediaDir } }]);
    const [uk] = instances as unknown as [TestInstance];
    const file = join(dir.path, "with-media.tar.gz");
    let url: string;
    try {
      const [doc] = await quickPhysicians(uk, 1);
      const form = new FormData();
      form.set("file", new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "scan.jpg");
      const media = await uploadMedia(uk, doc!.token, form);
      expect(media.status).toBe(200);
      url = media.body.url;
      expect(filesIn(mediaDir).length).toBeGreaterThan(0);
      expect(filesIn(join(uk.config.dataDir, "media"))).toEqual([]);
      expect((await fetch(url)).status).toBe(200);
      expect((await createBackup(uk.config, file)).mediaFiles).toBe(filesIn(mediaDir).length);
    } finally {
      await instances.closeAll();
    }

    const env = { ...uk.env, CONSILIUM_DATA_DIR: join(dir.path, "restored-data"), CONSILIUM_MEDIA_DIR: join(dir.path, "restored-media") };
    expect(await cli(env, ["restore", file])).toMatchObject({ code: 0 });
    expect(filesIn(join(dir.path, "restored-media")).sort()).toEqual(filesIn(mediaDir).sort());
    expect(filesIn(join(dir.path, "restored-data", "media"))).toEqual([]);
    // An empty data directory, but images already in the media directory: refused, and nothing left behind.
    const elsewhere = join(dir.path, "second-data");
    const refused = await cli({ ...env, CONSILIUM_DATA_DIR: elsewhere }, ["restore", file]);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/media directory/);
    expect(existsSync(elsewhere)).toBe(false);
    expect(filesIn(join(dir.path, "restored-media")).sort()).toEqual(filesIn(mediaDir).sort());

    // The restored instance serves the image from its media directory.
    const restored = await startInstance(loadConfig(env));
    try {
      expect((await fetch(url!)).status).toBe(200);
    } finally {
      await restored.close();
    }
  }, 120_000);
});
