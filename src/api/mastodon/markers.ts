import { Hono } from "hono";
import { z } from "zod";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { queryArray } from "../../http/pagination.ts";
import { idParam } from "../../http/params.ts";

const markersSchema = z.object({
  home: z.object({ last_read_id: idParam }).optional(),
  notifications: z.object({ last_read_id: idParam }).optional(),
});

function markerJson(m: { lastReadId: string; version: number; updatedAt: Date }) {
  return { last_read_id: m.lastReadId, version: m.version, updated_at: m.updatedAt.toISOString() };
}

/** Read positions in the home timeline and notifications, shared between clients. Mounted at /api/v1/markers. */
export const markers = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const timelines = queryArray(c, "timeline").filter((t) => t === "home" || t === "notifications");
    const rows = c.get("services").notifications.getMarkers(account.id, timelines);
    return c.json(Object.fromEntries(rows.map((m) => [m.timeline, markerJson(m)])));
  })
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const params = await parseParams(c, markersSchema);
    const services = c.get("services");
    const out: Record<string, unknown> = {};
    for (const timeline of ["home", "notifications"] as const) {
      const id = params[timeline]?.last_read_id;
      if (id) out[timeline] = markerJson(services.notifications.setMarker(account.id, timeline, id));
    }
    return c.json(out);
  });
