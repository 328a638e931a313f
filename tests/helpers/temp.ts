import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.ts";

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = "consilium-"): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A fresh SQLite database (migrations applied) in its own temporary directory; `cleanup` closes and removes it. */
export function tempDatabase(): { handle: DatabaseHandle; cleanup: () => void } {
  const dir = tempDir();
  const handle = openDatabase(join(dir.path, "db.sqlite"));
  return {
    handle,
    cleanup: () => {
      handle.close();
      dir.cleanup();
    },
  };
}
