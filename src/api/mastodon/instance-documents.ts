import { Hono } from "hono";
import { escapeHtml } from "../../domain/text.ts";
import type { Services } from "../../services.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";

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

/** Mastodon's privacy policy and terms of service (the terms are the instance's rules, when it has any). */
export const instanceDocumentsRouter = new Hono<AppEnv>()
  .get("/api/v1/instance/privacy_policy", (c) =>
    c.json({ updated_at: "2026-11-01T00:00:00.000Z", content: privacyPolicy(c.get("services")) }),
  )
  .get("/api/v1/instance/terms_of_service/:date?", (c) => {
    const rules = c.get("services").rules.list();
    // Without rules there are no terms, and Mastodon answers 404 for that too.
    if (rules.length === 0) fail("not_found", "Record not found");
    const effective = new Date(Math.max(...rules.map((r) => r.createdAt.getTime()))).toISOString().slice(0, 10);
    const date = c.req.param("date");
    if (date && date !== effective) fail("not_found", "Record not found");
    const items = rules.map((r) => `<li>${escapeHtml(r.text)}${r.hint ? `<br><small>${escapeHtml(r.hint)}</small>` : ""}</li>`).join("");
    return c.json({ effective_date: effective, effective: true, content: `<ol>${items}</ol>`, succeeded_by: null });
  });
