import { Hono } from "hono";
import { noSuchRecord } from "./not-offered.ts";
import { requireUser } from "../auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { fail } from "../../http/errors.ts";
import { pageParams, paginationLinks, queryArray } from "../../http/pagination.ts";
import { accountsByIdJson } from "../../render/accounts-json.ts";
import { groupedJson, jsonWithIntegers, loadNotifications, notificationsJson } from "../../render/notifications-json.ts";

const query = (c: Parameters<typeof pageParams>[0]) => ({
  ...pageParams(c, 40, 80),
  types: queryArray(c, "types"),
  excludeTypes: queryArray(c, "exclude_types"),
});

/** Notifications v1. Mounted at /api/v1/notifications. */
export const notificationsV1 = new Hono<AppEnv>()
  .get("/", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const rows = services.notifications.list(account.id, query(c));
    paginationLinks(c, rows);
    return c.json(notificationsJson(rows, account.id, services));
  })
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/requests", (c) => (requireUser(c), c.json([])))
  .get("/policy", (c) => (requireUser(c), c.json(notificationPolicyV1())))
  .patch("/policy", (c) => (requireUser(c), c.json(notificationPolicyV1())))
  .get("/unread_count", (c) => {
    const { account } = requireUser(c, "read:notifications");
    return c.json({ count: c.get("services").notifications.unreadCount(account.id) });
  })
  .post("/clear", (c) => {
    const { account } = requireUser(c, "write:notifications");
    c.get("services").notifications.clear(account.id);
    return c.json({});
  })
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/requests/merged", (c) => (requireUser(c), c.json({ merged: true })))
  .post("/requests/accept", (c) => (requireUser(c), c.json({})))
  .post("/requests/dismiss", (c) => (requireUser(c), c.json({})))
  .get("/requests/:id", (c) => (requireUser(c), noSuchRecord()))
  .post("/requests/:id/:action{accept|dismiss}", (c) => (requireUser(c), noSuchRecord()))
  .get("/:id{[0-9]+}", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const row = services.notifications.get(account.id, c.req.param("id"));
    const [json] = row ? notificationsJson([row], account.id, services) : [];
    if (!json) fail("not_found", "Record not found");
    return c.json(json);
  })
  .post("/:id{[0-9]+}/dismiss", (c) => {
    const { account } = requireUser(c, "write:notifications");
    if (!c.get("services").notifications.dismiss(account.id, c.req.param("id"))) fail("not_found", "Record not found");
    return c.json({});
  });

/** Notifications v2, grouped. Mounted at /api/v2/notifications. */
export const notificationsV2 = new Hono<AppEnv>()
  /** Grouped notifications (Mastodon 4.3's v2 API). */
  .get("/", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const rows = services.notifications.list(account.id, query(c));
    paginationLinks(c, rows);
    c.header("Content-Type", "application/json; charset=UTF-8");
    return c.body(jsonWithIntegers(groupedJson(rows, account.id, services)));
  })
  // Every notification is accepted: the documented policy that filters nothing.
  // Not offered (see not-offered.ts): Mastodon's empty shapes.
  .get("/policy", (c) => (requireUser(c), c.json(notificationPolicy())))
  .patch("/policy", (c) => (requireUser(c), c.json(notificationPolicy())))
  .get("/unread_count", (c) => {
    const { account } = requireUser(c, "read:notifications");
    return c.json({ count: c.get("services").notifications.unreadCount(account.id) });
  })
  .get("/:key{[a-z_]+-[0-9-]+}", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const grouped = groupedJson(services.notifications.group(account.id, c.req.param("key")), account.id, services);
    if (grouped.notification_groups.length === 0) fail("not_found", "Record not found");
    c.header("Content-Type", "application/json; charset=UTF-8");
    return c.body(jsonWithIntegers(grouped));
  })
  .get("/:key{[a-z_]+-[0-9-]+}/accounts", (c) => {
    const { account } = requireUser(c, "read:notifications");
    const services = c.get("services");
    const { kept } = loadNotifications(services.notifications.group(account.id, c.req.param("key")), account.id, services);
    if (kept.length === 0) fail("not_found", "Record not found");
    return c.json(accountsByIdJson([...new Set(kept.map((r) => r.fromAccountId))], services));
  })
  .post("/:key{[a-z_]+-[0-9-]+}/dismiss", (c) => {
    const { account } = requireUser(c, "write:notifications");
    if (!c.get("services").notifications.dismissGroup(account.id, c.req.param("key"))) fail("not_found", "Record not found");
    return c.json({});
  });

function notificationPolicy() {
  return {
    for_not_following: "accept",
    for_not_followers: "accept",
    for_new_accounts: "accept",
    for_private_mentions: "accept",
    for_limited_accounts: "accept",
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  };
}

function notificationPolicyV1() {
  return {
    filter_not_following: false,
    filter_not_followers: false,
    filter_new_accounts: false,
    filter_private_mentions: false,
    summary: { pending_requests_count: 0, pending_notifications_count: 0 },
  };
}
