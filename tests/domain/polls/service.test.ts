import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../../src/db/client.ts";
import { OfflinePort } from "../../../src/domain/federation-port.ts";
import { createServices, type Services } from "../../../src/services.ts";
import { quickPhysicians } from "../../helpers/client.ts";
import type { TestInstance } from "../../helpers/instances.ts";
import { inProcessConfig } from "../../helpers/in-process.ts";
import { tempDir } from "../../helpers/temp.ts";

/** A port that counts the results updates it is asked to send. */
class CountingPort extends OfflinePort {
  updates = 0;
  override async pollResultsChanged() {
    this.updates++;
  }
}

/**
 * Two processes on one database (two connections, two sets of services, as a
 * web node and a worker): the coalescing of poll updates and the closing of
 * polls hold across them, because the database, not a process's memory,
 * says when the last update went out and who closes.
 */
describe("poll updates from several processes", () => {
  const dir = tempDir();
  const opened: { close(): void }[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const o of opened.splice(0)) o.close();
    dir.cleanup();
  });

  const twoProcesses = () => {
    const config = inProcessConfig(dir.path, "poll-test");
    const make = () => {
      const database = openDatabase(config.databasePath);
      opened.push(database);
      const services = createServices(config, database);
      const port = new CountingPort();
      services.federationPort.attach(Object.assign(port, { objectFor: () => null, activityFor: () => null }), async () => undefined);
      return { services, port };
    };
    return [make(), make()] as const;
  };

  const pollWithVoters = async (services: Services) => {
    const [author, ...voters] = await quickPhysicians({ services } as TestInstance, 3);
    const input = {
      options: ["ACE inhibitor", "ARB"],
      expiresInSeconds: 3600,
      multiple: false,
      hideTotals: false,
      eligibleSpecialties: [],
      eligibleJurisdictions: [],
    };
    const status = await services.statuses.create(author!.id, { text: "Which first?", poll: input });
    return { status, voters: voters as { id: string }[] };
  };

  it("sends at most one update a second per poll, whichever process flushes", async () => {
    const [web, worker] = twoProcesses();
    const { status, voters } = await pollWithVoters(web.services);
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-03T10:00:00Z") });
    await web.services.polls.vote(voters[0]!.id, status, [0]);
    expect(await web.services.polls.flush()).toBe(1);
    await web.services.polls.vote(voters[1]!.id, status, [1]);
    // Within the second: neither the process that sent nor another one sends again.
    expect(await worker.services.polls.flush()).toBe(0);
    expect(await web.services.polls.flush()).toBe(0);
    vi.setSystemTime(new Date("2026-12-03T10:00:01.001Z"));
    // After it, one of them does, once.
    expect((await worker.services.polls.flush()) + (await web.services.polls.flush())).toBe(1);
    expect([web.port.updates, worker.port.updates]).toEqual([1, 1]);
    const sent = web.services.database.sqlite.prepare("SELECT updates_sent AS n FROM polls WHERE status_id = ?").get(status.id);
    expect(sent).toEqual({ n: 2 });
  });

  it("closes an expired poll once: one process sends the final update and notifies", async () => {
    const [web, worker] = twoProcesses();
    const { status, voters } = await pollWithVoters(web.services);
    await web.services.polls.vote(voters[0]!.id, status, [0]);
    web.services.database.sqlite.prepare("UPDATE polls SET expires_at = 0 WHERE status_id = ?").run(status.id);
    const closing = [worker.services.polls.flush(), web.services.polls.flush()];
    expect((await Promise.all(closing)).reduce((a, b) => a + b, 0)).toBe(1);
    const notified = web.services.database.sqlite
      .prepare("SELECT count(*) AS n FROM notifications WHERE type = 'poll' AND status_id = ?")
      .get(status.id) as { n: number };
    // The voter and the author, once each.
    expect(notified.n).toBe(2);
  });
});
