import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { type DomainEvent, DomainEvents } from "../../src/domain/events.ts";
import type { StatusRow } from "../../src/domain/statuses/types.ts";
import { type EventRows, EventRelay } from "../../src/events/relay.ts";
import { tempDir } from "../helpers/temp.ts";

describe("domain events across processes", () => {
  const dir = tempDir();
  afterEach(() => dir.cleanup());

  // The rows as the reading process finds them in the database.
  const statuses = new Map<string, StatusRow>();
  const rows: EventRows = { status: (id) => statuses.get(id), notification: () => undefined };

  /** Two "processes": two connections to one file, each with its own events and relay. */
  const twoProcesses = () => {
    const path = `${dir.path}/events.sqlite`;
    const [a, b] = [openDatabase(path), openDatabase(path)];
    const [eventsA, eventsB] = [new DomainEvents(), new DomainEvents()];
    const [relayA, relayB] = [
      new EventRelay(a.sqlite, eventsA, rows, { pollMs: 60_000 }),
      new EventRelay(b.sqlite, eventsB, rows, { pollMs: 60_000 }),
    ];
    relayA.start();
    relayB.start();
    return {
      a: { db: a, events: eventsA, relay: relayA },
      b: { db: b, events: eventsB, relay: relayB },
      close() {
        relayA.stop();
        relayB.stop();
        a.close();
        b.close();
      },
    };
  };

  it("hands another process's events, in order and read back from the rows, to the listeners that hear every process", () => {
    const { a, b, close } = twoProcesses();
    try {
      const heard: [string, string][] = [];
      const localOnly: string[] = [];
      b.events.subscribe((event, from) => void heard.push([event.type, from]), { everyProcess: true });
      b.events.subscribe((event) => void localOnly.push(event.type));
      const createdAt = new Date(1_764_000_000_000);
      const status = { id: "1", accountId: "7", createdAt, contentHtml: "<p>Text that erasure must remove</p>" } as unknown as StatusRow;
      statuses.set("1", status);
      const created: DomainEvent = { type: "status.created", status };
      a.events.emit(created);
      a.events.emit({ type: "filters.changed", accountId: "7" });
      expect(b.relay.poll()).toBe(2);
      expect(heard).toEqual([
        ["status.created", "elsewhere"],
        ["filters.changed", "elsewhere"],
      ]);
      // The home feed, edit history and the like already did their writing in the process that announced it.
      expect(localOnly).toEqual([]);
      // Nothing new: nothing handed again; and a process never hears its own events back.
      expect(b.relay.poll()).toBe(0);
      expect(a.relay.poll()).toBe(0);
      const received: DomainEvent[] = [];
      b.events.subscribe((event) => void received.push(event), { everyProcess: true });
      a.events.emit(created);
      b.relay.poll();
      expect(received).toEqual([created]);
      // A deletion travels as a stub: its audience, not its content, with its dates.
      a.events.emit({ type: "status.deleted", status, mentionedIds: ["9"] });
      b.relay.poll();
      expect(received[1]).toEqual({
        type: "status.deleted",
        status: { ...status, contentHtml: "", sourceText: "", spoilerText: "", caseData: null },
        mentionedIds: ["9"],
      });
      // A post gone before another process read its event is not handed on.
      statuses.delete("1");
      a.events.emit(created);
      expect(b.relay.poll()).toBe(0);
      // Ids travel through the table, never a post's text.
      const bodies = (a.db.sqlite.prepare("SELECT body FROM domain_events").all() as { body: string }[]).map((r) => r.body).join("\n");
      expect(bodies).toContain('"statusId":"1"');
      expect(bodies).not.toContain("erasure must remove");
    } finally {
      close();
    }
  });

  it("starts after what was there before it started, and forgets events older than ten minutes", () => {
    const { a, b, close } = twoProcesses();
    try {
      a.events.emit({ type: "filters.changed", accountId: "1" });
      const late = new EventRelay(b.db.sqlite, b.events, rows, { pollMs: 60_000 });
      const heard: string[] = [];
      b.events.subscribe((event) => void heard.push(event.type === "filters.changed" ? event.accountId : ""), { everyProcess: true });
      b.relay.stop();
      late.start();
      a.events.emit({ type: "filters.changed", accountId: "2" });
      expect(late.poll()).toBe(1);
      expect(heard).toEqual(["2"]);
      late.poll(Date.now() + 11 * 60_000);
      a.events.emit({ type: "filters.changed", accountId: "3" });
      expect(late.poll(Date.now() + 11 * 60_000)).toBe(1);
      // Eleven minutes on, everything stored is past the ten minutes kept.
      expect(a.db.sqlite.prepare("SELECT count(*) AS n FROM domain_events").get()).toEqual({ n: 0 });
      late.stop();
    } finally {
      close();
    }
  });
});
