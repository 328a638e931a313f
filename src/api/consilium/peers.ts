import { Hono } from "hono";
import { z } from "zod";
import { type PeerRow, peerState } from "../../domain/peers/service.ts";
import { requireStaff } from "../auth.ts";
import { parseParams } from "../body.ts";
import type { AppEnv } from "../env.ts";

function peerJson(peer: PeerRow) {
  return {
    origin: peer.origin,
    state: peerState(peer),
    actor: peer.actorUri,
    outgoing: peer.outgoing,
    incoming: peer.incoming,
    created_at: peer.createdAt.toISOString(),
    updated_at: peer.updatedAt.toISOString(),
    ended_at: peer.endedAt?.toISOString() ?? null,
  };
}

const originSchema = z.object({ origin: z.string().min(1).max(300) });

/** Peering administration (limited federation). */
export const peersRouter = new Hono<AppEnv>()
  .get("/api/v1/consilium/peers", (c) => {
    requireStaff(c, "admin:read");
    return c.json(c.get("services").peers.list().map(peerJson));
  })
  .post("/api/v1/consilium/peers", async (c) => {
    const { account } = requireStaff(c, "admin:write");
    const { origin } = await parseParams(c, originSchema);
    const services = c.get("services");
    const peer = await services.peers.add(origin);
    services.audit.record({ staffId: account.id, subjectId: null, action: "peer.add", reason: peer.origin });
    return c.json(peerJson(peer));
  })
  .post("/api/v1/consilium/peers/:decision{approve|reject|end}", async (c) => {
    const { account } = requireStaff(c, "admin:write");
    const { origin } = await parseParams(c, originSchema);
    const services = c.get("services");
    const decision = c.req.param("decision") as "approve" | "reject" | "end";
    const peer = await services.peers[decision](origin);
    services.audit.record({ staffId: account.id, subjectId: null, action: `peer.${decision}`, reason: peer.origin });
    return c.json(peerJson(peer));
  });
