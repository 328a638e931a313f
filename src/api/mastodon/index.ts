import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { accounts } from "./accounts.ts";
import { adminAccountsV1, adminAccountsV2 } from "./admin/accounts.ts";
import { adminReports } from "./admin/reports.ts";
import { apps } from "./apps.ts";
import { blocks } from "./blocks.ts";
import { bookmarks } from "./bookmarks.ts";
import { conversations } from "./conversations.ts";
import { domainBlocks } from "./domain-blocks.ts";
import { favourites } from "./favourites.ts";
import { featuredTags } from "./featured-tags.ts";
import { filtersV1, filtersV2 } from "./filters.ts";
import { followRequests } from "./follow-requests.ts";
import { followedTags } from "./followed-tags.ts";
import { instanceV1, instanceV2 } from "./instance.ts";
import { lists } from "./lists.ts";
import { markers } from "./markers.ts";
import { mediaV1, mediaV2 } from "./media.ts";
import { mutes } from "./mutes.ts";
import {
  announcements,
  annualReports,
  collections,
  customEmojis,
  directory,
  emails,
  endorsements,
  scheduledStatuses,
  suggestionsV1,
  suggestionsV2,
  trends,
} from "./not-offered.ts";
import { notificationsV1, notificationsV2 } from "./notifications.ts";
import { polls } from "./polls.ts";
import { preferences } from "./preferences.ts";
import { profile } from "./profile.ts";
import { push } from "./push.ts";
import { reports } from "./reports.ts";
import { search } from "./search.ts";
import { statuses } from "./statuses.ts";
import { tags } from "./tags.ts";
import { timelines } from "./timelines.ts";

/** Mastodon's API v1, one router per resource, each at its path under /api/v1. */
export const mastodonV1 = new Hono<AppEnv>()
  .route("/accounts", accounts)
  .route("/admin/accounts", adminAccountsV1)
  .route("/admin/reports", adminReports)
  .route("/announcements", announcements)
  .route("/annual_reports", annualReports)
  .route("/apps", apps)
  .route("/blocks", blocks)
  .route("/bookmarks", bookmarks)
  .route("/collections", collections)
  .route("/conversations", conversations)
  .route("/custom_emojis", customEmojis)
  .route("/directory", directory)
  .route("/domain_blocks", domainBlocks)
  .route("/emails", emails)
  .route("/endorsements", endorsements)
  .route("/favourites", favourites)
  .route("/featured_tags", featuredTags)
  .route("/filters", filtersV1)
  .route("/follow_requests", followRequests)
  .route("/followed_tags", followedTags)
  .route("/instance", instanceV1)
  .route("/lists", lists)
  .route("/markers", markers)
  .route("/media", mediaV1)
  .route("/mutes", mutes)
  .route("/notifications", notificationsV1)
  .route("/polls", polls)
  .route("/preferences", preferences)
  .route("/profile", profile)
  .route("/push", push)
  .route("/reports", reports)
  .route("/scheduled_statuses", scheduledStatuses)
  .route("/statuses", statuses)
  .route("/suggestions", suggestionsV1)
  .route("/tags", tags)
  .route("/timelines", timelines)
  .route("/trends", trends);

/** Mastodon's API v2: the resources whose second version clients use. */
export const mastodonV2 = new Hono<AppEnv>()
  .route("/admin/accounts", adminAccountsV2)
  .route("/filters", filtersV2)
  .route("/instance", instanceV2)
  .route("/media", mediaV2)
  .route("/notifications", notificationsV2)
  .route("/search", search)
  .route("/suggestions", suggestionsV2);
