import { cpSync, readFileSync, writeFileSync } from "node:fs";
import type Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/db/client.ts";
import { migrationsFolder } from "../../../src/db/migrations.ts";
import { api, quickPhysicians } from "../../helpers/client.ts";
import { startInstances } from "../../helpers/instances.ts";
import { tempDir } from "../../helpers/temp.ts";

interface Stats {
  account_id: string;
  followers: number;
  following: number;
  statuses: number;
  last_status_at: number | null;
}

/** What the counters must say: every account's history counted afresh. */
function recount(sqlite: Database.Database): Stats[] {
  return sqlite
    .prepare(
      `SELECT ids.id AS account_id,
        (SELECT count(*) FROM follows WHERE following_id = ids.id AND state = 'accepted') AS followers,
        (SELECT count(*) FROM follows WHERE follower_id = ids.id AND state = 'accepted') AS following,
        (SELECT count(*) FROM statuses WHERE account_id = ids.id AND kind != 'boost' AND held = 0) AS statuses,
        (SELECT max(created_at) FROM statuses WHERE account_id = ids.id AND kind != 'boost' AND held = 0) AS last_status_at
      FROM (SELECT account_id AS id FROM statuses UNION SELECT follower_id FROM follows UNION SELECT following_id FROM follows) ids
      ORDER BY ids.id`,
    )
    .all() as Stats[];
}

/** The counters, leaving out accounts whose every count is back to nothing (as a recount has no row for them). */
function counters(sqlite: Database.Database): Stats[] {
  return (sqlite.prepare("SELECT * FROM account_stats ORDER BY account_id").all() as Stats[]).filter(
    (s) => s.followers !== 0 || s.following !== 0 || s.statuses !== 0 || s.last_status_at !== null,
  );
}

const nonZero = (rows: Stats[]) =>
  rows.filter((s) => s.followers !== 0 || s.following !== 0 || s.statuses !== 0 || s.last_status_at !== null);

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function insertStatus(sqlite: Database.Database, id: string, accountId: string, kind: string, held: number, createdAt: number) {
  sqlite
    .prepare("INSERT INTO statuses (id, uri, account_id, local, kind, visibility, held, created_at) VALUES (?, ?, ?, 1, ?, 'public', ?, ?)")
    .run(id, `https://uk.test/s/${id}`, accountId, kind, held, createdAt);
}

function insertFollow(sqlite: Database.Database, id: string, follower: string, following: string, state: string) {
  sqlite
    .prepare("INSERT INTO follows (id, follower_id, following_id, state, uri, created_at) VALUES (?, ?, ?, ?, ?, ?)")
    .run(id, follower, following, state, `https://uk.test/f/${id}`, Date.now());
}

describe("account counters", () => {
  const dir = tempDir();
  afterEach(() => dir.cleanup());

  it("agree with a recount after every kind of change to posts and follows, in the transaction of the change", () => {
    const { sqlite, close } = openDatabase(`${dir.path}/stats.sqlite`);
    try {
      const next = random(7);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
      const accounts = ["a1", "a2", "a3", "a4", "a5"];
      let n = 0;
      for (let step = 0; step < 1500; step++) {
        const statusIds = (sqlite.prepare("SELECT id FROM statuses").all() as { id: string }[]).map((r) => r.id);
        const followIds = (sqlite.prepare("SELECT id FROM follows").all() as { id: string }[]).map((r) => r.id);
        const action = next();
        if (action < 0.35 || statusIds.length === 0)
          insertStatus(
            sqlite,
            `s${++n}`,
            pick(accounts),
            pick(["note", "case", "boost"]),
            next() < 0.2 ? 1 : 0,
            1_000 + Math.floor(next() * 10_000),
          );
        else if (action < 0.5) sqlite.prepare("DELETE FROM statuses WHERE id = ?").run(pick(statusIds));
        else if (action < 0.6) sqlite.prepare("UPDATE statuses SET held = 1 - held WHERE id = ?").run(pick(statusIds));
        else if (action < 0.65) sqlite.prepare("UPDATE statuses SET kind = ? WHERE id = ?").run(pick(["note", "boost"]), pick(statusIds));
        else if (action < 0.7)
          sqlite.prepare("UPDATE statuses SET created_at = ? WHERE id = ?").run(Math.floor(next() * 20_000), pick(statusIds));
        // An edit that writes every column again, values unchanged.
        else if (action < 0.75)
          sqlite.prepare("UPDATE statuses SET held = held, kind = kind, created_at = created_at WHERE id = ?").run(pick(statusIds));
        else if (action < 0.85) {
          const [a, b] = [pick(accounts), pick(accounts)];
          if (a !== b && !sqlite.prepare("SELECT 1 FROM follows WHERE follower_id = ? AND following_id = ?").get(a, b))
            insertFollow(sqlite, `f${++n}`, a, b, pick(["pending", "accepted"]));
        } else if (action < 0.92 && followIds.length > 0)
          sqlite
            .prepare("UPDATE follows SET state = CASE state WHEN 'accepted' THEN 'pending' ELSE 'accepted' END WHERE id = ?")
            .run(pick(followIds));
        else if (followIds.length > 0) sqlite.prepare("DELETE FROM follows WHERE id = ?").run(pick(followIds));
        if (step % 50 === 0) expect(counters(sqlite), `after step ${step}`).toEqual(nonZero(recount(sqlite)));
      }
      expect(counters(sqlite)).toEqual(nonZero(recount(sqlite)));
      // A failed transaction leaves the counters as they were.
      const before = counters(sqlite);
      expect(() =>
        sqlite.transaction(() => {
          insertStatus(sqlite, "rolled-back", "a1", "note", 0, 99_999);
          throw new Error("the rest of the change failed");
        })(),
      ).toThrow(/failed/);
      expect(counters(sqlite)).toEqual(before);
    } finally {
      close();
    }
  });

  it("are counted once from what an existing database holds when the migration runs", () => {
    const folder = `${dir.path}/migrations`;
    cpSync(migrationsFolder, folder, { recursive: true });
    const journalPath = `${folder}/meta/_journal.json`;
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    const upTo = journal.entries.findIndex((e) => e.tag.endsWith("_account_stats"));
    expect(upTo).toBeGreaterThan(0);
    // The database as it was before the counters.
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    const path = `${dir.path}/old.sqlite`;
    const old = openDatabase(path, { migrationsFolder: folder });
    insertStatus(old.sqlite, "s1", "a1", "note", 0, 1000);
    insertStatus(old.sqlite, "s2", "a1", "case", 0, 3000);
    insertStatus(old.sqlite, "s3", "a1", "boost", 0, 5000);
    insertStatus(old.sqlite, "s4", "a2", "note", 1, 2000);
    insertFollow(old.sqlite, "f1", "a2", "a1", "accepted");
    insertFollow(old.sqlite, "f2", "a3", "a1", "pending");
    old.close();
    writeFileSync(journalPath, JSON.stringify(journal));
    const { sqlite, close } = openDatabase(path, { migrationsFolder: folder });
    try {
      expect(counters(sqlite)).toEqual(nonZero(recount(sqlite)));
      expect(sqlite.prepare("SELECT statuses, followers, last_status_at FROM account_stats WHERE account_id = 'a1'").get()).toEqual({
        statuses: 2,
        followers: 1,
        last_status_at: 3000,
      });
    } finally {
      close();
    }
  });

  it("are what a client reads: posts without boosts, follows both ways, the last post's day", async () => {
    const instances = await startInstances(1);
    try {
      const [uk] = instances;
      const [alice, bob] = await quickPhysicians(uk!, 2);
      const me = async (who: { token: string }) =>
        (await api(uk!, "GET", "/api/v1/accounts/verify_credentials", { token: who.token })).body;
      const posted = [];
      for (const text of ["First case", "Second case", "Third case"])
        posted.push((await api(uk!, "POST", "/api/v1/statuses", { token: alice!.token, json: { status: text } })).body);
      expect(posted[2].account.statuses_count).toBe(3);
      await api(uk!, "POST", `/api/v1/statuses/${posted[0].id}/reblog`, { token: bob!.token });
      await api(uk!, "DELETE", `/api/v1/statuses/${posted[1].id}`, { token: alice!.token });
      await api(uk!, "POST", `/api/v1/accounts/${alice!.id}/follow`, { token: bob!.token });
      expect(await me(alice!)).toMatchObject({ statuses_count: 2, followers_count: 1, following_count: 0 });
      expect(await me(alice!)).toMatchObject({ last_status_at: posted[2].created_at.slice(0, 10) });
      expect(await me(bob!)).toMatchObject({ statuses_count: 0, followers_count: 0, following_count: 1 });
      await api(uk!, "POST", `/api/v1/accounts/${alice!.id}/unfollow`, { token: bob!.token });
      expect(await me(bob!)).toMatchObject({ following_count: 0 });
    } finally {
      await instances.closeAll();
    }
  });
});
