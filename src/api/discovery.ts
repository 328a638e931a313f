import { Hono } from "hono";
import { SOFTWARE_NAME } from "../domain/instance.ts";
import type { Services } from "../services.ts";
import type { AppEnv } from "../http/env.ts";

function nodeInfo(services: Services, version: "2.0" | "2.1") {
  const users = services.accountActivity.physicians();
  return {
    version,
    software: {
      name: SOFTWARE_NAME,
      version: services.instance.version,
    },
    protocols: ["activitypub"],
    services: { inbound: [], outbound: [] },
    // Registration is open to applicants but every account needs approval.
    openRegistrations: false,
    // Physicians only (staff are not members of the network), active by their use of the API.
    usage: {
      users: { total: users.total, activeHalfyear: users.activeHalfyear, activeMonth: users.activeMonth },
      localPosts: services.store.countLocal(),
      localComments: 0,
    },
    metadata: { nodeName: services.instance.name, country: services.instance.country, approvalRequired: true },
  };
}

/** Mounted at /.well-known: how peers and crawlers find this server and its keys. */
export const wellKnown = new Hono<AppEnv>()
  .get("/nodeinfo", (c) => {
    const origin = c.get("services").instance.origin;
    return c.json({
      links: [
        { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${origin}/nodeinfo/2.0` },
        { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${origin}/nodeinfo/2.1` },
      ],
    });
  })
  .get("/host-meta", (c) => {
    const origin = c.get("services").instance.origin;
    c.header("Content-Type", "application/xrd+xml; charset=utf-8");
    return c.body(
      `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${origin}/.well-known/webfinger?resource={uri}"/>\n</XRD>\n`,
    );
  })
  .get("/host-meta.json", (c) => {
    const origin = c.get("services").instance.origin;
    return c.json({ links: [{ rel: "lrdd", template: `${origin}/.well-known/webfinger?resource={uri}` }] });
  })
  /** The issuer's public keys, for peers checking our physicians' credentials. */
  .get("/jwks.json", async (c) => c.json(await c.get("services").credentials.jwks()));

/** NodeInfo 2.0 and 2.1. Mounted at /nodeinfo. */
export const nodeInfoDocuments = new Hono<AppEnv>()
  .get("/2.0", (c) => {
    c.header("Content-Type", 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"');
    return c.body(JSON.stringify(nodeInfo(c.get("services"), "2.0")));
  })
  .get("/2.1", (c) => {
    c.header("Content-Type", 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"');
    return c.body(JSON.stringify(nodeInfo(c.get("services"), "2.1")));
  });
