import { Hono } from "hono";
import { z } from "zod";
import { FILTER_ACTIONS, FILTER_CONTEXTS, type FilterRow } from "../../domain/filters/service.ts";
import type { Services } from "../../services.ts";
import { requireUser } from "../auth.ts";
import { parseParams } from "../../http/body.ts";
import type { AppEnv } from "../../http/env.ts";
import { flagParam, idParam, intParam } from "../../http/params.ts";
import { filterJson, filterKeywordJson, filterStatusJson, v1FilterJson } from "../../render/filter-json.ts";

const contextParam = z.union([z.array(z.enum(FILTER_CONTEXTS)), z.enum(FILTER_CONTEXTS).transform((c) => [c])]);
/** `expires_in` as Mastodon takes it: seconds, or "" for no expiry. */
const expiresParam = z.union([z.literal("").transform(() => null), z.null(), intParam.min(1)]).optional();
const keywordAttributes = z.array(
  z.object({
    id: idParam.optional(),
    keyword: z.string().max(512).optional(),
    whole_word: flagParam.optional(),
    _destroy: flagParam.optional(),
  }),
);

const v2Schema = z.object({
  title: z.string().max(256).optional(),
  context: contextParam.optional(),
  filter_action: z.enum(FILTER_ACTIONS).optional(),
  expires_in: expiresParam,
  keywords_attributes: keywordAttributes.optional(),
});
const keywordSchema = z.object({ keyword: z.string().max(512), whole_word: flagParam.optional() });
const keywordUpdateSchema = z.object({ keyword: z.string().max(512).optional(), whole_word: flagParam.optional() });
const statusSchema = z.object({ status_id: idParam });
const v1Schema = z.object({
  phrase: z.string().max(512).optional(),
  context: contextParam.optional(),
  irreversible: flagParam.optional(),
  whole_word: flagParam.optional(),
  expires_in: expiresParam,
});

function fullJson(services: Services, filter: FilterRow) {
  return filterJson(
    filter,
    services.filters.keywordsOf([filter.id]).get(filter.id) ?? [],
    services.filters.statusesOf([filter.id]).get(filter.id) ?? [],
  );
}

/** Filters v2 (with their keywords and statuses) and the v1 view of them (one keyword each). Mounted at /api/v2/filters. */
export const filtersV2 = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:filters");
    const services = c.get("services");
    return c.json(services.filters.list(account.id).map((f) => fullJson(services, f)));
  })
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, v2Schema);
    const services = c.get("services");
    const filter = services.filters.create(account.id, {
      title: p.title,
      context: p.context,
      action: p.filter_action,
      expiresIn: p.expires_in ?? null,
      keywords: (p.keywords_attributes ?? []).filter((k) => k.keyword).map((k) => ({ keyword: k.keyword!, wholeWord: k.whole_word })),
    });
    return c.json(fullJson(services, filter));
  })
  .get("/keywords/:id", (c) => {
    const { account } = requireUser(c, "read:filters");
    return c.json(filterKeywordJson(c.get("services").filters.keyword(account.id, c.req.param("id"))));
  })
  .put("/keywords/:id", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, keywordUpdateSchema);
    return c.json(
      filterKeywordJson(
        c.get("services").filters.updateKeyword(account.id, c.req.param("id"), { keyword: p.keyword, wholeWord: p.whole_word }),
      ),
    );
  })
  .delete("/keywords/:id", (c) => {
    const { account } = requireUser(c, "write:filters");
    c.get("services").filters.removeKeyword(account.id, c.req.param("id"));
    return c.json({});
  })
  .get("/statuses/:id", (c) => {
    const { account } = requireUser(c, "read:filters");
    return c.json(filterStatusJson(c.get("services").filters.filteredStatus(account.id, c.req.param("id"))));
  })
  .delete("/statuses/:id", (c) => {
    const { account } = requireUser(c, "write:filters");
    c.get("services").filters.removeStatus(account.id, c.req.param("id"));
    return c.json({});
  })
  .get("/:id", (c) => {
    const { account } = requireUser(c, "read:filters");
    const services = c.get("services");
    return c.json(fullJson(services, services.filters.get(account.id, c.req.param("id"))));
  })
  .put("/:id", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, v2Schema);
    const services = c.get("services");
    const id = c.req.param("id");
    const filter = services.filters.update(account.id, id, {
      title: p.title,
      context: p.context,
      action: p.filter_action,
      expiresIn: p.expires_in,
    });
    for (const k of p.keywords_attributes ?? []) {
      if (k.id && k._destroy) services.filters.removeKeyword(account.id, k.id);
      else if (k.id) services.filters.updateKeyword(account.id, k.id, { keyword: k.keyword, wholeWord: k.whole_word });
      else if (k.keyword) services.filters.addKeyword(account.id, id, k.keyword, k.whole_word ?? true);
    }
    return c.json(fullJson(services, filter));
  })
  .delete("/:id", (c) => {
    const { account } = requireUser(c, "write:filters");
    c.get("services").filters.delete(account.id, c.req.param("id"));
    return c.json({});
  })
  .get("/:id/keywords", (c) => {
    const { account } = requireUser(c, "read:filters");
    const services = c.get("services");
    const filter = services.filters.get(account.id, c.req.param("id"));
    return c.json((services.filters.keywordsOf([filter.id]).get(filter.id) ?? []).map(filterKeywordJson));
  })
  .post("/:id/keywords", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, keywordSchema);
    return c.json(filterKeywordJson(c.get("services").filters.addKeyword(account.id, c.req.param("id"), p.keyword, p.whole_word ?? true)));
  })
  .get("/:id/statuses", (c) => {
    const { account } = requireUser(c, "read:filters");
    const services = c.get("services");
    const filter = services.filters.get(account.id, c.req.param("id"));
    return c.json((services.filters.statusesOf([filter.id]).get(filter.id) ?? []).map(filterStatusJson));
  })
  .post("/:id/statuses", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, statusSchema);
    const services = c.get("services");
    services.visibility.getVisible(account.id, p.status_id);
    return c.json(filterStatusJson(services.filters.addStatus(account.id, c.req.param("id"), p.status_id)));
  });

/** Filters v1: the v2 filters seen with one keyword each. Mounted at /api/v1/filters. */
export const filtersV1 = new Hono<AppEnv>()
  // v1: each keyword of each filter is one "filter".
  .get("/", (c) => {
    const { account } = requireUser(c, "read:filters");
    const services = c.get("services");
    const list = services.filters.list(account.id);
    const keywords = services.filters.keywordsOf(list.map((f) => f.id));
    return c.json(list.flatMap((f) => (keywords.get(f.id) ?? []).map((k) => v1FilterJson(f, k))));
  })
  .post("/", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, v1Schema);
    const services = c.get("services");
    const filter = services.filters.create(account.id, {
      title: p.phrase,
      context: p.context,
      action: p.irreversible ? "hide" : "warn",
      expiresIn: p.expires_in ?? null,
      keywords: p.phrase ? [{ keyword: p.phrase, wholeWord: p.whole_word ?? true }] : [],
    });
    const keyword = (services.filters.keywordsOf([filter.id]).get(filter.id) ?? [])[0]!;
    return c.json(v1FilterJson(filter, keyword));
  })
  .get("/:id", (c) => {
    const { account } = requireUser(c, "read:filters");
    const services = c.get("services");
    const keyword = services.filters.keyword(account.id, c.req.param("id"));
    return c.json(v1FilterJson(services.filters.get(account.id, keyword.filterId), keyword));
  })
  .put("/:id", async (c) => {
    const { account } = requireUser(c, "write:filters");
    const p = await parseParams(c, v1Schema);
    const services = c.get("services");
    const keyword = services.filters.updateKeyword(account.id, c.req.param("id"), { keyword: p.phrase, wholeWord: p.whole_word });
    const filter = services.filters.update(account.id, keyword.filterId, {
      title: p.phrase,
      context: p.context,
      action: p.irreversible === undefined ? undefined : p.irreversible ? "hide" : "warn",
      expiresIn: p.expires_in,
    });
    return c.json(v1FilterJson(filter, keyword));
  })
  .delete("/:id", (c) => {
    const { account } = requireUser(c, "write:filters");
    const services = c.get("services");
    const keyword = services.filters.keyword(account.id, c.req.param("id"));
    services.filters.removeKeyword(account.id, keyword.id);
    if ((services.filters.keywordsOf([keyword.filterId]).get(keyword.filterId) ?? []).length === 0)
      services.filters.delete(account.id, keyword.filterId);
    return c.json({});
  });
