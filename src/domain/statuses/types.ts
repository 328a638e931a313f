import type { favourites, follows, statuses } from "../../db/schema.ts";

export type StatusRow = typeof statuses.$inferSelect;
export type FavouriteRow = typeof favourites.$inferSelect;
export type FollowRow = typeof follows.$inferSelect;
export type Visibility = StatusRow["visibility"];
export const VISIBILITIES: readonly Visibility[] = ["public", "unlisted", "private", "direct"];
