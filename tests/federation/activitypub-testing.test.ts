import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { peer } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

interface Assertion {
  readonly test: { slug: string };
  readonly result: { outcome: "passed" | "failed" | "inapplicable" | "cantTell"; info?: string };
}

/** socialweb.coop's activitypub-testing runner (`test actor`), its assertions as JSON. */
async function runActorSuite(actorUrl: string): Promise<Assertion[]> {
  const cli = new URL("../../node_modules/activitypub-testing/src/cli.js", import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, [cli, "test", "actor", actorUrl, "--output=json-seq"], {
    timeout: 60_000,
  });
  return stdout
    .split("\u001e")
    .map((record) => record.trim())
    .filter(Boolean)
    .map((record) => JSON.parse(record) as Assertion);
}

/**
 * Stands in for a peer in front of the runner: every GET is forwarded signed
 * by the peer's instance actor (authorized fetch), and the origin in what
 * comes back is rewritten so the runner's next fetches come through here too.
 */
async function signingProxy(signer: TestInstance, target: TestInstance): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    void (async () => {
      const upstream = await signedFetch(signer, `${target.origin}${req.url}`, {
        headers: { Accept: req.headers.accept ?? "application/activity+json" },
      });
      const body = (await upstream.text()).split(target.origin).join(origin);
      res.writeHead(upstream.status, { "Content-Type": upstream.headers.get("content-type") ?? "application/activity+json" }).end(body);
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, server };
}

describe("activitypub-testing's actor suite", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let proxy: Awaited<ReturnType<typeof signingProxy>>;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const ukStaff = await ownerToken(uk);
    await peer(uk, ukStaff, us, await ownerToken(us));
    const doc = await approvedPhysician(uk, ukStaff, { username: "suite_doc" });
    await api(uk, "POST", "/api/v1/statuses", { token: doc.token, json: { status: "Something for the outbox" } });
    proxy = await signingProxy(us, uk);
  }, 90_000);
  afterAll(async () => {
    proxy?.server.close();
    await instances.closeAll();
  });

  const summary = (assertions: Assertion[]) => Object.fromEntries(assertions.map((a) => [a.test.slug, a.result.outcome]));
  const CORE = [
    "actor-objects-must-have-inbox-outbox-properties",
    "actor-must-serve-as2-object-to-get",
    "outbox-must-be-an-orderedcollection",
    "followers-collection-must-be-a-collection",
    "following-collection-must-be-a-collection",
  ];

  it("passes every applicable test against the instance actor", async () => {
    const assertions = await runActorSuite(`${uk.origin}/actor`);
    expect(assertions.filter((a) => a.result.outcome === "failed")).toEqual([]);
    for (const slug of CORE) expect(summary(assertions)[slug]).toBe("passed");
  });

  it("passes every applicable test against a physician, fetched signed as a peer", async () => {
    const assertions = await runActorSuite(`${proxy.origin}/users/suite_doc`);
    expect(assertions.filter((a) => a.result.outcome === "failed")).toEqual([]);
    for (const slug of CORE) expect(summary(assertions)[slug]).toBe("passed");
  });

  it("sees nothing of a physician without a peer's signature", async () => {
    const assertions = await runActorSuite(`${uk.origin}/users/suite_doc`);
    expect(summary(assertions)["actor-must-serve-as2-object-to-get"]).not.toBe("passed");
  });
});
