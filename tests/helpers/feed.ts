import { homeRule } from "../../src/domain/timelines/home-rule.ts";
import type { TestInstance } from "./instances.ts";

/** What the home rule admits for a viewer, read from the source tables (not the feed). */
export function byHomeRule(instance: TestInstance, viewerId: string): string[] {
  return instance.services.database.sqlite
    .prepare(`SELECT s.id FROM statuses s WHERE ${homeRule(":viewer")} ORDER BY s.id DESC`)
    .pluck()
    .all({ viewer: viewerId }) as string[];
}
