import { MAX_FEATURED_TAGS } from "../../domain/tags/featured.ts";
import { Hono } from "hono";
import { requireUser } from "../auth.ts";
import { MASTODON_COMPAT_VERSION } from "../../domain/instance.ts";
import { weeklyActivity } from "../../domain/instance-activity.ts";
import { escapeHtml } from "../../domain/text.ts";
import type { Services } from "../../services.ts";
import type { AppEnv } from "../../http/env.ts";
import { DEFAULT_HEADER_PATH } from "../../render/accounts-json.ts";

const SOURCE_URL = "https://consilium.invalid/source";

function configuration(services: Services) {
  return {
    urls: { streaming: services.instance.origin.replace(/^http/, "ws") },
    vapid: { public_key: "" },
    accounts: { max_featured_tags: MAX_FEATURED_TAGS, max_pinned_statuses: 5 },
    statuses: { max_characters: 10000, max_media_attachments: 4, characters_reserved_per_url: 23 },
    media_attachments: {
      // What the media service decodes (HEIC and DICOM are refused by name).
      supported_mime_types: ["image/jpeg", "image/png", "image/webp", "image/avif", "image/gif", "image/tiff"],
      image_size_limit: 16 * 1024 * 1024,
      image_matrix_limit: 33_177_600,
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
      description_limit: 1500,
    },
    polls: { max_options: 10, max_characters_per_option: 200, min_expiration: 300, max_expiration: 2_629_746 },
    translation: { enabled: false },
  };
}

function rulesJson(services: Services) {
  return services.rules.list().map((r) => ({ id: String(r.id), text: r.text, hint: r.hint }));
}

/** Hosts of the instances this one federates with (active peers). */
function peerHosts(services: Services): string[] {
  return services.peers.activeOrigins().map((origin) => new URL(origin).host);
}

/** Discovery: readable without a token, like Mastodon's. */
export const instanceRouter = new Hono<AppEnv>({ strict: false })
  .get("/api/v2/instance", (c) => {
    const services = c.get("services");
    const { instance } = services;
    const settings = services.settings.current();
    return c.json({
      domain: instance.host,
      title: instance.name,
      version: MASTODON_COMPAT_VERSION,
      source_url: SOURCE_URL,
      description: settings.description,
      usage: { users: { active_month: services.accountActivity.physicians().activeMonth } },
      thumbnail: { url: `${instance.origin}${DEFAULT_HEADER_PATH}` },
      icon: [],
      languages: ["en"],
      configuration: configuration(services),
      registrations: {
        enabled: settings.registrationsOpen,
        approval_required: true,
        message: settings.registrationsOpen
          ? "Applications are checked against the medical register before approval."
          : "This instance is not taking applications at the moment.",
        url: `${instance.origin}/apply`,
      },
      api_versions: { mastodon: 2 },
      contact: { email: settings.contactEmail, account: null },
      rules: rulesJson(services),
      consilium: { country: instance.country, software_version: instance.version },
    });
  })
  .get("/api/v1/instance", (c) => {
    const services = c.get("services");
    const { instance } = services;
    const settings = services.settings.current();
    return c.json({
      uri: instance.host,
      title: instance.name,
      short_description: settings.description,
      description: settings.description,
      email: settings.contactEmail,
      version: MASTODON_COMPAT_VERSION,
      urls: { streaming_api: services.instance.origin.replace(/^http/, "ws") },
      stats: {
        user_count: services.accountActivity.physicians().total,
        status_count: services.store.countLocal(),
        domain_count: peerHosts(services).length,
      },
      thumbnail: `${instance.origin}${DEFAULT_HEADER_PATH}`,
      languages: ["en"],
      registrations: settings.registrationsOpen,
      approval_required: true,
      invites_enabled: false,
      configuration: configuration(services),
      contact_account: null,
      rules: rulesJson(services),
    });
  })
  .get("/api/v1/instance/rules", (c) => c.json(rulesJson(c.get("services"))))
  .get("/api/v1/instance/activity", (c) => {
    requireUser(c);
    return c.json(weeklyActivity(c.get("services").database.db));
  })
  .get("/api/v1/instance/extended_description", (c) =>
    c.json({ updated_at: null, content: `<p>${escapeHtml(c.get("services").settings.current().description)}</p>` }),
  )
  // Peers are only disclosed to physicians of the network.
  .get("/api/v1/instance/peers", (c) => {
    requireUser(c);
    return c.json(peerHosts(c.get("services")));
  });
