import { api } from "./client.ts";
import type { TestInstance } from "./instances.ts";

/** Polls until the check returns a truthy value (deliveries are asynchronous). */
export async function eventually<T>(check: () => Promise<T> | T, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** Peers two instances through the admin API: A asks, B approves; both end up active. */
export async function peer(a: TestInstance, aStaff: string, b: TestInstance, bStaff: string): Promise<void> {
  const added = await api(a, "POST", "/api/v1/consilium/peers", { token: aStaff, json: { origin: b.origin } });
  if (added.status !== 200) throw new Error(`peer add failed: ${added.status} ${added.text}`);
  await eventually(async () => {
    const list = await api(b, "GET", "/api/v1/consilium/peers", { token: bStaff });
    return list.body.find((p: { origin: string; state: string }) => p.origin === a.origin && p.state === "pending_approval");
  }, `${b.origin} to see the request from ${a.origin}`);
  const approved = await api(b, "POST", "/api/v1/consilium/peers/approve", { token: bStaff, json: { origin: a.origin } });
  if (approved.status !== 200) throw new Error(`peer approve failed: ${approved.status} ${approved.text}`);
  for (const [x, xStaff, y] of [
    [a, aStaff, b],
    [b, bStaff, a],
  ] as const) {
    await eventually(async () => {
      const list = await api(x, "GET", "/api/v1/consilium/peers", { token: xStaff });
      return list.body.find((p: { origin: string; state: string }) => p.origin === y.origin && p.state === "active");
    }, `${x.origin} to see ${y.origin} as active`);
  }
}

/** A remote account's id on `on`, found through search with resolve=true. */
export async function resolveAccount(on: TestInstance, token: string, username: string, home: TestInstance): Promise<string> {
  const res = await api(
    on,
    "GET",
    `/api/v2/search?q=${encodeURIComponent(`@${username}@${new URL(home.origin).host}`)}&resolve=true&type=accounts`,
    { token },
  );
  const id = res.body.accounts?.[0]?.id;
  if (!id) throw new Error(`could not resolve @${username} on ${on.origin}: ${res.status} ${res.text}`);
  return id;
}

/** Finds a status on an instance by its URI (through the viewer's public timeline). */
export async function findByUri(on: TestInstance, token: string, uri: string): Promise<any | undefined> {
  const res = await api(on, "GET", `/api/v2/search?q=${encodeURIComponent(uri)}&type=statuses`, { token });
  return res.body.statuses?.[0];
}

/**
 * Every delivery made and every accepted activity applied, on all these
 * instances: the positive marker after which an absence means something (a
 * post that did not arrive was not merely late).
 */
export async function quiet(instances: readonly TestInstance[], what = "the network to be quiet", timeoutMs = 30_000): Promise<void> {
  await eventually(
    () => instances.every((i) => i.queues.outbox.lanes().every((l) => l.queued === 0) && i.queues.inbox.depth().queued === 0),
    what,
    timeoutMs,
  );
}
