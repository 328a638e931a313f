import { Hono } from "hono";
import { loadSharp } from "../domain/media/sharp.ts";
import { SOFTWARE_NAME } from "../domain/instance.ts";
import type { Services } from "../services.ts";
import { DEFAULT_AVATAR_PATH, DEFAULT_HEADER_PATH } from "../render/accounts-json.ts";
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

let placeholder: Promise<Buffer> | undefined;
/** One neutral grey square serves as every avatar and header (no uploads yet). */
function placeholderPng(): Promise<Buffer> {
  placeholder ??= loadSharp().then((sharp) =>
    sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 200, g: 205, b: 212 } } })
      .png()
      .toBuffer(),
  );
  return placeholder;
}

export const discoveryRouter = new Hono<AppEnv>()
  .get("/.well-known/nodeinfo", (c) => {
    const origin = c.get("services").instance.origin;
    return c.json({
      links: [
        { rel: "http://nodeinfo.diaspora.software/ns/schema/2.0", href: `${origin}/nodeinfo/2.0` },
        { rel: "http://nodeinfo.diaspora.software/ns/schema/2.1", href: `${origin}/nodeinfo/2.1` },
      ],
    });
  })
  .get("/nodeinfo/2.0", (c) => {
    c.header("Content-Type", 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"');
    return c.body(JSON.stringify(nodeInfo(c.get("services"), "2.0")));
  })
  .get("/nodeinfo/2.1", (c) => {
    c.header("Content-Type", 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"');
    return c.body(JSON.stringify(nodeInfo(c.get("services"), "2.1")));
  })
  .get("/.well-known/host-meta", (c) => {
    const origin = c.get("services").instance.origin;
    c.header("Content-Type", "application/xrd+xml; charset=utf-8");
    return c.body(
      `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${origin}/.well-known/webfinger?resource={uri}"/>\n</XRD>\n`,
    );
  })
  .get("/.well-known/host-meta.json", (c) => {
    const origin = c.get("services").instance.origin;
    return c.json({ links: [{ rel: "lrdd", template: `${origin}/.well-known/webfinger?resource={uri}` }] });
  })
  // Generated avatars: drawn from the seed alone (a hash of an address), so the URL reveals nothing.
  .get("/avatars/default/:file{[0-9a-f]{20}\\.png}", async (c) => {
    const png = await c.get("services").profileImages.defaultAvatar(c.req.param("file").slice(0, 20));
    c.header("Content-Type", "image/png");
    c.header("Cache-Control", "public, max-age=604800, immutable");
    return c.body(new Uint8Array(png));
  })
  .get(DEFAULT_AVATAR_PATH, async (c) => {
    c.header("Content-Type", "image/png");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(new Uint8Array(await placeholderPng()));
  })
  .get(DEFAULT_HEADER_PATH, async (c) => {
    c.header("Content-Type", "image/png");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(new Uint8Array(await placeholderPng()));
  });
