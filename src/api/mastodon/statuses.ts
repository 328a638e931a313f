import { Hono } from "hono";
import { notOffered, noSuchRecord } from "./not-offered.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { z } from "zod";
import { PollService } from "../../domain/polls/service.ts";
import { caseSchema } from "../../domain/statuses/case.ts";
import { VISIBILITIES } from "../../domain/statuses/types.ts";
import { boolish, parseParams } from "../../http/body.ts";
import { flagParam, idListParam, idParam } from "../../http/params.ts";
import { accountViewJson } from "../../render/accounts-json.ts";
import { mediaJson } from "../../render/media-json.ts";
import { accountsJson } from "../../render/render.ts";
import { statusesJson, statusJson } from "../../render/statuses-json.ts";

const statusSchema = z.object({
  status: z.string().max(100_000).optional().default(""),
  in_reply_to_id: idParam.optional().nullable(),
  media_ids: idListParam
    .refine((ids) => ids.length <= 4, "at most 4 attachments")
    .optional()
    .default([]),
  sensitive: flagParam.optional(),
  spoiler_text: z.string().max(1000).optional().default(""),
  visibility: z.enum(VISIBILITIES as [string, ...string[]]).optional(),
  language: z.string().max(16).optional().nullable(),
  scheduled_at: z.string().optional().nullable(),
  case: caseSchema.optional().nullable(),
  poll: z.record(z.string(), z.unknown()).optional().nullable(),
});

type StatusParams = z.output<typeof statusSchema>;

function toInput(params: StatusParams, idempotencyKey?: string) {
  if (params.scheduled_at) fail("unprocessable", "Scheduled posts are not supported on this server");
  return {
    text: params.status,
    spoilerText: params.spoiler_text,
    sensitive: params.sensitive,
    visibility: params.visibility as (typeof VISIBILITIES)[number] | undefined,
    language: params.language ?? null,
    inReplyToId: params.in_reply_to_id ?? null,
    mediaIds: params.media_ids,
    caseFields: params.case ?? null,
    poll: params.poll ? PollService.parseInput(params.poll as never, boolish) : null,
    idempotencyKey: idempotencyKey?.slice(0, 200) ?? null,
  };
}

const limitOf = (v: string | undefined) => Math.min(Math.max(Number(v) || 40, 1), 80);

/** Statuses: posting (through the privacy guard), editing, deleting, threads, favourites, boosts, bookmarks, pins and mutes. Mounted at /api/v1/statuses. */
export const statuses = new Hono<AppEnv>()
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const params = await parseParams(c, statusSchema);
    const services = c.get("services");
    const status = await services.statuses.create(account.id, toInput(params, c.req.header("idempotency-key")));
    return c.json(statusJson(status, account.id, services));
  })
  .get("/", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const ids = [...(c.req.queries("id[]") ?? []), ...(c.req.queries("id") ?? [])].slice(0, 20);
    const rows = [...services.store.getMany(ids).values()];
    return c.json(
      statusesJson(services.visibility.visibleTo(account.id, rows, { scope: "open" }), account.id, services, { context: "thread" }),
    );
  })
  .get("/:id", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    return c.json(statusJson(services.visibility.getVisible(account.id, c.req.param("id")), account.id, services));
  })
  .put("/:id", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const params = await parseParams(c, statusSchema);
    const services = c.get("services");
    const status = await services.statuses.edit(account.id, c.req.param("id"), toInput(params));
    return c.json(statusJson(status, account.id, services));
  })
  .delete("/:id", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const services = c.get("services");
    const status = services.visibility.getVisible(account.id, c.req.param("id"));
    const rendered = statusJson(status, account.id, services);
    await services.statuses.delete(account.id, c.req.param("id"));
    // Mastodon hands back the source text, so a client can offer "delete and redraft".
    return c.json({ ...rendered, text: status.sourceText ?? "" });
  })
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/:id{[0-9]+}/quotes", (c) => {
    const { account } = requireUser(c, "read:statuses");
    c.get("services").visibility.getVisible(account.id, c.req.param("id"));
    return c.json([]);
  })
  .put("/:id{[0-9]+}/interaction_policy", (c) => (requireUser(c), notOffered("Quote posts")))
  .post("/:id{[0-9]+}/translate", (c) => (requireUser(c), fail("forbidden", "Translation is not offered on this server")))
  .get("/:id/source", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const status = c.get("services").visibility.getVisible(account.id, c.req.param("id"));
    if (status.accountId !== account.id) fail("not_found", "Record not found");
    return c.json({ id: status.id, text: status.sourceText ?? "", spoiler_text: status.spoilerText });
  })
  /** Every version, the first included (Mastodon's StatusEdit). */
  .get("/:id/history", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const status = services.visibility.getVisible(account.id, c.req.param("id"));
    const author = services.directory.get(status.accountId);
    if (!author) fail("not_found", "Record not found");
    const authorJson = accountViewJson(author, services);
    const mediaRows = new Map([...services.store.mediaOf([status.id]).values()].flat().map((m) => [m.id, m]));
    return c.json(
      services.history.versions(status).map((v) => ({
        content: v.contentHtml,
        spoiler_text: v.spoilerText,
        sensitive: v.sensitive,
        created_at: v.createdAt.toISOString(),
        account: authorJson,
        poll: v.pollOptions ? { options: (JSON.parse(v.pollOptions) as string[]).map((title) => ({ title })) } : null,
        media_attachments: (JSON.parse(v.mediaIds) as string[])
          .map((id) => mediaRows.get(id))
          .filter((m) => m != null)
          .map((m) => mediaJson(m, services.mediaUrls)),
        emojis: [],
      })),
    );
  })
  .get("/:id/context", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    const { ancestors, descendants } = services.timelines.context(account.id, c.req.param("id"));
    return c.json({
      ancestors: statusesJson(ancestors, account.id, services, { context: "thread" }),
      descendants: statusesJson(descendants, account.id, services, { context: "thread" }),
    });
  })
  .post("/:id/favourite", async (c) => {
    const { account } = requireUser(c, "write:favourites");
    const services = c.get("services");
    return c.json(statusJson(await services.reactions.favourite(account.id, c.req.param("id")), account.id, services));
  })
  .post("/:id/unfavourite", async (c) => {
    const { account } = requireUser(c, "write:favourites");
    const services = c.get("services");
    return c.json(statusJson(await services.reactions.unfavourite(account.id, c.req.param("id")), account.id, services));
  })
  .post("/:id/reblog", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const services = c.get("services");
    return c.json(statusJson(await services.reactions.reblog(account.id, c.req.param("id")), account.id, services));
  })
  .post("/:id/unreblog", async (c) => {
    const { account } = requireUser(c, "write:statuses");
    const services = c.get("services");
    return c.json(statusJson(await services.reactions.unreblog(account.id, c.req.param("id")), account.id, services));
  })
  .post("/:id/bookmark", (c) => {
    const { account } = requireUser(c, "write:bookmarks");
    const services = c.get("services");
    return c.json(statusJson(services.reactions.bookmark(account.id, c.req.param("id"), true), account.id, services));
  })
  .post("/:id/unbookmark", (c) => {
    const { account } = requireUser(c, "write:bookmarks");
    const services = c.get("services");
    return c.json(statusJson(services.reactions.bookmark(account.id, c.req.param("id"), false), account.id, services));
  })
  .post("/:id/pin", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    return c.json(statusJson(await services.reactions.pin(account.id, c.req.param("id")), account.id, services));
  })
  .post("/:id/unpin", async (c) => {
    const { account } = requireUser(c, "write:accounts");
    const services = c.get("services");
    return c.json(statusJson(await services.reactions.unpin(account.id, c.req.param("id")), account.id, services));
  })
  .get("/:id/favourited_by", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    return c.json(accountsJson(c, services.reactions.favouritedBy(account.id, c.req.param("id"), limitOf(c.req.query("limit")))));
  })
  .get("/:id/reblogged_by", (c) => {
    const { account } = requireUser(c, "read:statuses");
    const services = c.get("services");
    return c.json(accountsJson(c, services.reactions.rebloggedBy(account.id, c.req.param("id"), limitOf(c.req.query("limit")))));
  })
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .post("/:id{[0-9]+}/quotes/:quote/revoke", (c) => (requireUser(c), noSuchRecord()))
  /** Mutes the thread: no more notifications from it (Mastodon's conversation mute). */
  .post("/:id/:toggle{mute|unmute}", (c) => {
    const { account } = requireUser(c, "write:mutes");
    const services = c.get("services");
    const status = services.visibility.getVisible(account.id, c.req.param("id"));
    services.relations.muteThread(account.id, status, c.req.param("toggle") === "mute");
    return c.json(statusJson(status, account.id, services));
  });
