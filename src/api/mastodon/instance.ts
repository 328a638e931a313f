import { Hono } from "hono";
import { escapeHtml } from "../../domain/text.ts";
import type { Services } from "../../services.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { MAX_FEATURED_TAGS } from "../../domain/tags/featured.ts";
import { requireUser } from "../auth.ts";
import { MASTODON_COMPAT_VERSION } from "../../domain/instance.ts";
import { weeklyActivity } from "../../domain/instance-activity.ts";
import { DEFAULT_HEADER_PATH } from "../../render/accounts-json.ts";

/** What this instance keeps and shows, in the words a physician applying would need. */
function privacyPolicy(services: Services): string {
  const name = escapeHtml(services.instance.name);
  const contact = escapeHtml(services.settings.current().contactEmail);
  return [
    `<h2>What ${name} keeps</h2>`,
    "<p>To verify a licence we keep your legal name, licence number and jurisdiction, and your e-mail address. They are encrypted at rest, read only by this instance's verifiers, and every reading is written to an audit log. They are never shown to other physicians and never sent to other instances.</p>",
    "<p>Other physicians see your pseudonymous handle, display name, specialty, jurisdiction and the disclosures you write. What you post is sent to the instances this one federates with, according to each post's visibility.</p>",
    "<h2>Patients</h2>",
    "<p>Posts are checked for details that could identify a patient before they leave this instance; images are stripped of their metadata. Never post anything that identifies a patient.</p>",
    "<h2>What is not collected</h2>",
    "<p>No advertising, no tracking, no analytics; the pages load nothing from other sites.</p>",
    `<h2>Contact</h2><p>Questions and requests about your data: <a href="mailto:${contact}">${contact}</a>.</p>`,
  ].join("\n");
}

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

/** Instance v1, its rules, documents, peers and activity: readable without a token, like Mastodon's. Mounted at /api/v1/instance. */
export const instanceV1 = new Hono<AppEnv>()
  .get("/", (c) => {
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
  .get("/privacy_policy", (c) => c.json({ updated_at: "2026-11-01T00:00:00.000Z", content: privacyPolicy(c.get("services")) }))
  .get("/rules", (c) => c.json(rulesJson(c.get("services"))))
  .get("/activity", (c) => {
    requireUser(c);
    return c.json(weeklyActivity(c.get("services").database.db));
  })
  .get("/extended_description", (c) =>
    c.json({ updated_at: null, content: `<p>${escapeHtml(c.get("services").settings.current().description)}</p>` }),
  )
  // Peers are only disclosed to physicians of the network.
  .get("/peers", (c) => {
    requireUser(c);
    return c.json(peerHosts(c.get("services")));
  })
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/translation_languages", (c) => c.json({}))
  .get("/domain_blocks", (c) => (requireUser(c), c.json([])))
  .get("/terms_of_service/:date?", (c) => {
    const rules = c.get("services").rules.list();
    // Without rules there are no terms, and Mastodon answers 404 for that too.
    if (rules.length === 0) fail("not_found", "Record not found");
    const effective = new Date(Math.max(...rules.map((r) => r.createdAt.getTime()))).toISOString().slice(0, 10);
    const date = c.req.param("date");
    if (date && date !== effective) fail("not_found", "Record not found");
    const items = rules.map((r) => `<li>${escapeHtml(r.text)}${r.hint ? `<br><small>${escapeHtml(r.hint)}</small>` : ""}</li>`).join("");
    return c.json({ effective_date: effective, effective: true, content: `<ol>${items}</ol>`, succeeded_by: null });
  });

/** Instance v2. Mounted at /api/v2/instance. */
export const instanceV2 = new Hono<AppEnv>({ strict: false }).get("/", (c) => {
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
});
