import type Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { api, ownerToken, quickPhysicians } from "../helpers/client.ts";
import { peer, quiet, resolveAccount } from "../helpers/network.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { tempDir } from "../helpers/temp.ts";

describe("the database connection", () => {
  const dir = tempDir();
  afterEach(() => dir.cleanup());

  it("is stock better-sqlite3: each prepare is its own statement, so a query runs inside its own loop", () => {
    const { sqlite, close } = openDatabase(`${dir.path}/stock.sqlite`);
    try {
      sqlite.exec("CREATE TABLE t (n INTEGER)");
      for (let n = 1; n <= 3; n++) sqlite.prepare("INSERT INTO t (n) VALUES (?)").run(n);
      const pairs: number[][] = [];
      // With one statement shared by SQL text this throws "This statement is busy executing a query".
      for (const outer of sqlite.prepare("SELECT n FROM t ORDER BY n").iterate() as Iterable<{ n: number }>)
        for (const inner of sqlite.prepare("SELECT n FROM t ORDER BY n").iterate() as Iterable<{ n: number }>)
          pairs.push([outer.n, inner.n]);
      expect(pairs).toHaveLength(9);
      expect(sqlite.prepare("SELECT n FROM t")).not.toBe(sqlite.prepare("SELECT n FROM t"));
    } finally {
      close();
    }
  });
});

/** Every SQL text the connection compiles while `work` runs. */
async function compiledDuring(sqlite: Database.Database, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const prepare = sqlite.prepare;
  sqlite.prepare = function (this: Database.Database, source: string) {
    seen.push(source);
    return prepare.call(this, source);
  } as typeof sqlite.prepare;
  try {
    await work();
  } finally {
    sqlite.prepare = prepare;
  }
  return seen;
}

/**
 * The stores prepare their hot statements once: after a first round, reading
 * the home timeline, a thread, a status and its poll, voting and the
 * notifications compile no SQL at all.
 */
describe("the hot paths, once warm", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let people: { id: string; token: string; username: string }[];
  let caseId: string;
  let pollId: string;

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    people = await quickPhysicians(uk, 3);
    const [a, b, c] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    await api(uk, "POST", `/api/v1/accounts/${a.id}/follow`, { token: b.token });
    await api(uk, "POST", `/api/v1/accounts/${a.id}/follow`, { token: c.token });
    caseId = (await api(uk, "POST", "/api/v1/statuses", { token: a.token, json: { status: "A case #nephrology" } })).body.id;
    for (const who of [b, c])
      await api(uk, "POST", "/api/v1/statuses", { token: who.token, json: { status: `@${a.username} a reply`, in_reply_to_id: caseId } });
    pollId = (
      await api(uk, "POST", "/api/v1/statuses", {
        token: a.token,
        json: { status: "Which first?", poll: { options: ["ACE inhibitor", "ARB"], expires_in: 3600 } },
      })
    ).body.id;
  });
  afterAll(() => instances.closeAll());

  const round = async (voter: { token: string }) => {
    for (const path of [
      "/api/v1/timelines/home?limit=20",
      `/api/v1/statuses/${caseId}/context`,
      `/api/v1/statuses/${caseId}`,
      `/api/v1/statuses/${pollId}`,
      "/api/v1/notifications",
    ]) {
      for (const who of people) expect((await api(uk, "GET", path, { token: who.token })).status).toBe(200);
    }
    expect((await api(uk, "POST", `/api/v1/polls/${pollId}/votes`, { token: voter.token, json: { choices: [0] } })).status).toBe(200);
    await uk.services.polls.flush();
  };

  it("compile no SQL on a second round", async () => {
    await round(people[1]!);
    const compiled = await compiledDuring(uk.services.database.sqlite, () => round(people[2]!));
    expect(compiled).toEqual([]);
  });

  // A post, a reply, a favourite and an edit compile only the statements that write a whole row
  // (Drizzle builds those from the row's own columns; compiling one is a few microseconds).
  it("compile only their whole-row writes when posting, replying, favouriting and editing", async () => {
    const [a, b] = people as [(typeof people)[0], (typeof people)[0]];
    const writes = async (i: number) => {
      const id = (await api(uk, "POST", "/api/v1/statuses", { token: a.token, json: { status: `Case ${i} #nephrology` } })).body.id;
      const reply = { status: `@${a.username} a thought`, in_reply_to_id: id };
      expect((await api(uk, "POST", "/api/v1/statuses", { token: b.token, json: reply })).status).toBe(200);
      expect((await api(uk, "POST", `/api/v1/statuses/${id}/favourite`, { token: b.token })).status).toBe(200);
      expect((await api(uk, "PUT", `/api/v1/statuses/${id}`, { token: a.token, json: { status: `Case ${i}, edited` } })).status).toBe(200);
    };
    await writes(0);
    const compiled = await compiledDuring(uk.services.database.sqlite, () => writes(1));
    const wholeRow = /^(insert into "statuses" |update "statuses" set "content_html"|insert into "favourites" )/;
    expect(compiled.filter((s) => !wholeRow.test(s))).toEqual([]);
    expect(compiled.length).toBeGreaterThan(0);
  });
});
describe("the inbox, once warm", () => {
  it("compiles only the received post's whole-row insert", async () => {
    const instances = await startInstances(2);
    try {
      const [uk, fr] = instances as unknown as [TestInstance, TestInstance];
      await peer(uk, await ownerToken(uk), fr, await ownerToken(fr));
      const [a] = await quickPhysicians(uk, 1);
      const [b] = await quickPhysicians(fr, 1);
      const remoteId = await resolveAccount(fr, b!.token, a!.username, uk);
      await api(fr, "POST", `/api/v1/accounts/${remoteId}/follow`, { token: b!.token });
      await quiet(instances);
      const post = async (i: number) => {
        const { uri } = (await api(uk, "POST", "/api/v1/statuses", { token: a!.token, json: { status: `Case ${i} #nephrology` } })).body;
        await quiet(instances);
        return uri as string;
      };
      await post(0);
      let last = "";
      const compiled = await compiledDuring(fr.services.database.sqlite, async () => (last = await post(1)));
      expect(fr.services.store.getByUri(last)).toBeDefined();
      expect(compiled.filter((s) => !s.startsWith('insert into "statuses" '))).toEqual([]);
    } finally {
      await instances.closeAll();
    }
  });
});
