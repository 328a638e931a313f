import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { FakePeer } from "../helpers/fake-peer.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually } from "../helpers/network.ts";
import { runInboxFuzz } from "../fuzz/inbox-fuzzer.ts";

// A bounded run on every `npm test`; `npm run fuzz` runs thousands (FUZZ_CASES).
const CASES = Number(process.env["INBOX_FUZZ_CASES"] ?? 300);

describe("the inbox under fuzzed activities from a signed peer", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let fake: FakePeer;
  let token: string;

  beforeAll(async () => {
    instances = await startInstances(1, [{ env: { CONSILIUM_HTTP_TIMEOUT_SECONDS: "2" } }]);
    [uk] = instances as unknown as [TestInstance];
    const staff = await ownerToken(uk);
    token = (await approvedPhysician(uk, staff, { username: "uk_doc" })).token;
    fake = await FakePeer.start();
    await fake.addUser("fuzz");
    await fake.peerWith(uk, staff);
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await instances.closeAll();
  });

  it(`answers ${CASES} mutated activities without a 5xx, drains, and stores nothing it refused`, { timeout: 180_000 }, async () => {
    const result = await runInboxFuzz({ peer: fake, actor: "fuzz", target: uk.origin, cases: CASES, seed: 1 });
    expect(result.failures).toEqual([]);
    expect(
      Object.keys(result.byStatus)
        .map(Number)
        .every((s) => [202, 400, 401, 403, 413].includes(s)),
    ).toBe(true);
    // Refusals and acceptances both happen: the mutations reach past the parser.
    expect(result.byStatus[202] ?? 0).toBeGreaterThan(CASES / 20);
    expect(result.byStatus[400] ?? 0).toBeGreaterThan(CASES / 20);
    // Everything accepted is applied or dropped; nothing is left stuck.
    await eventually(
      () => (uk.services.database.sqlite.prepare("SELECT count(*) AS n FROM inbox_activities").get() as { n: number }).n === 0,
      "the inbox drained",
      120_000,
    );
    const stored = uk.services.database.sqlite.prepare("SELECT uri FROM statuses WHERE uri LIKE ?").all(`${fake.origin}/%`) as {
      uri: string;
    }[];
    expect(stored.filter((s) => !result.accepted.has(s.uri))).toEqual([]);
    expect((await api(uk, "GET", "/api/v1/timelines/public", { token })).status).toBe(200);
  });
});
