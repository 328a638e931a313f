import { Hono } from "hono";
import { z } from "zod";
import { normaliseOrigin, type PeerRow, peerState } from "../../domain/peers/service.ts";
import { requireStaff } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import { flagParam } from "../../http/params.ts";
import type { AppEnv } from "../../http/env.ts";

type Lane = ReturnType<AppEnv["Variables"]["services"]["queueStatus"]["lanes"]>[number];

function peerJson(peer: PeerRow, lane?: Lane) {
  return {
    origin: peer.origin,
    state: peerState(peer),
    actor: peer.actorUri,
    outgoing: peer.outgoing,
    incoming: peer.incoming,
    created_at: peer.createdAt.toISOString(),
    updated_at: peer.updatedAt.toISOString(),
    ended_at: peer.endedAt?.toISOString() ?? null,
    // Deliveries waiting for this peer (held while it is unreachable).
    deliveries: { queued: lane?.queued ?? 0, ready: lane?.ready ?? 0, oldest_seconds: lane ? Math.round(lane.oldestMs / 1000) : 0 },
  };
}

const originSchema = z.object({ origin: z.string().min(1).max(300) });
const endSchema = originSchema.extend({ reason: z.string().max(1000).optional(), purge: flagParam.optional() });

/** Peering administration (limited federation). Mounted at /api/v1/consilium/peers. */
export const peers = new Hono<AppEnv>()
  .get("/", (c) => {
    requireStaff(c, "admin:read", "peers");
    const services = c.get("services");
    const lanes = new Map(services.queueStatus.lanes().map((l) => [l.origin, l]));
    return c.json(services.peers.list().map((p) => peerJson(p, lanes.get(p.origin))));
  })
  .post("/", async (c) => {
    const { account } = requireStaff(c, "admin:write", "peers");
    const { origin } = await parseParams(c, originSchema);
    const services = c.get("services");
    const peer = await services.peers.add(origin);
    services.audit.record({ staffId: account.id, subjectId: null, action: "peer.add", reason: peer.origin });
    return c.json(peerJson(peer));
  })
  /** Ends a peering; with `purge`, everything held of that peer's physicians is removed here too. */
  .post("/end", async (c) => {
    const { account } = requireStaff(c, "admin:write", "peers");
    const params = await parseParams(c, endSchema);
    const services = c.get("services");
    const removed = await services.moderation.endPeering(account.id, params.origin, params.reason ?? "", params.purge === true);
    return c.json({ ...peerJson(services.peers.get(normaliseOrigin(params.origin))!), removed_statuses: removed });
  })
  .post("/:decision{approve|reject}", async (c) => {
    const { account } = requireStaff(c, "admin:write", "peers");
    const { origin } = await parseParams(c, originSchema);
    const services = c.get("services");
    const decision = c.req.param("decision") as "approve" | "reject";
    const peer = await services.peers[decision](origin);
    services.audit.record({ staffId: account.id, subjectId: null, action: `peer.${decision}`, reason: peer.origin });
    return c.json(peerJson(peer));
  });
