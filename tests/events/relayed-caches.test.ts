import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { EventRelay } from "../../src/events/relay.ts";
import { createServices, eventRows } from "../../src/services.ts";
import { inProcessConfig } from "../helpers/in-process.ts";
import { tempDir } from "../helpers/temp.ts";

/**
 * The caches of rarely-changing tables (peerings, instance settings) follow
 * other processes' changes through the relayed domain events, not by
 * watching the database file: what is tested here is that a change made in
 * one process is seen in the other exactly when the other reads the events.
 */
describe("caches that follow other processes' events", () => {
  const dir = tempDir();
  const opened: { close(): void }[] = [];
  afterEach(() => {
    for (const o of opened.splice(0)) o.close();
    dir.cleanup();
  });

  const twoProcesses = () => {
    const config = inProcessConfig(dir.path, "relay-cache");
    const make = () => {
      const database = openDatabase(config.databasePath);
      const services = createServices(config, database);
      // Polled by hand below: the test decides when the other process reads.
      const relay = new EventRelay(database.sqlite, services.events, eventRows(services), { pollMs: 60 * 60_000 });
      relay.start();
      opened.push({ close: () => (relay.stop(), database.close()) });
      return { services, relay };
    };
    return [make(), make()] as const;
  };

  it("a peering recorded by one process changes the trusted origins of the other", async () => {
    const [worker, web] = twoProcesses();
    expect(web.services.peers.trustedOrigins()).toEqual([]);
    // The worker applies a peer's Follow of our instance actor.
    await worker.services.peers.receivedFollow(
      "https://fr.example",
      { actorUri: "https://fr.example/actor", followersUrl: null, inboxUrl: "https://fr.example/inbox", sharedInboxUrl: null },
      "https://fr.example/follows/1",
    );
    expect(web.services.peers.trustedOrigins()).toEqual([]);
    web.relay.poll();
    expect(web.services.peers.trustedOrigins()).toEqual(["https://fr.example"]);
    worker.services.peers.receivedUndo("https://fr.example");
    web.relay.poll();
    expect(web.services.peers.trustedOrigins()).toEqual([]);
  });

  it("a setting changed by one process is what the other serves", () => {
    const [cli, web] = twoProcesses();
    const before = web.services.settings.current().name;
    cli.services.settings.update("staff-1", { name: "Conseil national (test)" });
    expect(web.services.settings.current().name).toBe(before);
    web.relay.poll();
    expect(web.services.settings.current().name).toBe("Conseil national (test)");
  });
});
