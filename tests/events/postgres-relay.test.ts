import { afterEach, describe, expect, it } from "vitest";
import { openPostgres, type PostgresHandle } from "../../src/db/postgres.ts";
import { type DomainEvent, DomainEvents } from "../../src/domain/events.ts";
import type { StatusRow } from "../../src/domain/statuses/types.ts";
import { PostgresEventRelay } from "../../src/events/postgres-relay.ts";
import type { EventRows } from "../../src/events/relay.ts";
import { eventually } from "../helpers/network.ts";
import { freshDatabase, hasPostgres, type TestDatabase } from "../helpers/postgres.ts";

describe.skipIf(!hasPostgres)("domain events across machines on PostgreSQL", () => {
  let database: TestDatabase;
  const handles: PostgresHandle[] = [];
  const relays: PostgresEventRelay[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
    for (const handle of handles.splice(0)) await handle.close();
    await database?.drop();
  });

  const statuses = new Map<string, StatusRow>();
  const rows: EventRows = { status: (id) => statuses.get(id), notification: () => undefined };

  /** A "node": its own pool, events and relay; wake-ups only (a poll an hour apart). */
  async function node(): Promise<{ handle: PostgresHandle; events: DomainEvents; relay: PostgresEventRelay }> {
    const handle = await openPostgres(database.url, { max: 3 });
    const events = new DomainEvents();
    const relay = new PostgresEventRelay(handle.sql, events, rows, { pollMs: 60 * 60_000 });
    await relay.start();
    handles.push(handle);
    relays.push(relay);
    return { handle, events, relay };
  }

  it("wakes the other nodes at once, in order, read back from the rows, never a node's own and never a post's text", async () => {
    database = await freshDatabase();
    const [a, b, c] = [await node(), await node(), await node()];
    const heardB: string[] = [];
    const heardC: string[] = [];
    const ownA: string[] = [];
    b.events.subscribe((event, from) => void heardB.push(`${event.type}:${from}`), { everyProcess: true });
    c.events.subscribe((event) => void heardC.push(event.type === "filters.changed" ? event.accountId : event.type), {
      everyProcess: true,
    });
    a.events.subscribe((event, from) => void (from === "elsewhere" && ownA.push(event.type)), { everyProcess: true });
    const status = {
      id: "1",
      accountId: "7",
      createdAt: new Date(1_764_000_000_000),
      contentHtml: "<p>Erasable text</p>",
    } as unknown as StatusRow;
    statuses.set("1", status);
    a.events.emit({ type: "status.created", status });
    for (let i = 0; i < 20; i++) a.events.emit({ type: "filters.changed", accountId: String(i) });
    await eventually(() => heardC.length === 21, "node C heard all 21 events");
    expect(heardC).toEqual(["status.created", ...Array.from({ length: 20 }, (_, i) => String(i))]);
    await eventually(() => heardB.length === 21, "node B heard all 21 events");
    expect(heardB[0]).toBe("status.created:elsewhere");
    expect(ownA).toEqual([]);
    const bodies = (await a.handle.sql<{ body: string }[]>`SELECT body FROM domain_events`).map((r) => r.body).join("\n");
    expect(bodies).not.toContain("Erasable text");
    // A post gone before another node read its event is not handed on; what follows still is.
    statuses.delete("1");
    a.events.emit({ type: "status.created", status });
    a.events.emit({ type: "filters.changed", accountId: "after" });
    await eventually(() => heardC.at(-1) === "after", "node C heard the event after the gone post's");
    expect(heardC.filter((t) => t === "status.created")).toHaveLength(1);
  });

  it("hands on events that became visible out of id order, once each", async () => {
    database = await freshDatabase();
    const reader = await node();
    const heard: string[] = [];
    reader.events.subscribe((event) => void heard.push(event.type === "filters.changed" ? event.accountId : event.type), {
      everyProcess: true,
    });
    const writer = await openPostgres(database.url, { max: 2 });
    handles.push(writer);
    const body = (accountId: string) => JSON.stringify({ type: "filters.changed", accountId } satisfies DomainEvent);
    // A slow transaction takes an id first and commits last; a fast one commits meanwhile and is read.
    const slow = writer.sql.reserve();
    const held = await slow;
    await held`BEGIN`;
    await held`INSERT INTO domain_events (process, body, created_at) VALUES ('other', ${body("slow")}, ${Date.now()})`;
    await writer.sql`INSERT INTO domain_events (process, body, created_at) VALUES ('other', ${body("fast")}, ${Date.now()})`;
    expect(await reader.relay.poll()).toBe(1);
    expect(heard).toEqual(["fast"]);
    await held`COMMIT`;
    held.release();
    expect(await reader.relay.poll()).toBe(1);
    expect(await reader.relay.poll()).toBe(0);
    expect(heard).toEqual(["fast", "slow"]);
  });

  it("stops quietly when its pool ends, and writes what it announced before it stops", async () => {
    database = await freshDatabase();
    const [a, b] = [await node(), await node()];
    const heard: string[] = [];
    b.events.subscribe((event) => void heard.push(event.type), { everyProcess: true });
    a.events.emit({ type: "filters.changed", accountId: "1" });
    await a.relay.stop();
    relays.splice(relays.indexOf(a.relay), 1);
    expect((await b.handle.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM domain_events`)[0]!.n).toBe(1);
    await eventually(() => heard.length === 1, "node B heard the event written before A stopped");
    await b.handle.close();
    handles.splice(handles.indexOf(b.handle), 1);
    await expect(b.relay.poll()).resolves.toBe(0);
  });
});
