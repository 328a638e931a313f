import { and, count, eq, gte, lte, isNotNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, auditLog, statuses } from "../../db/schema.ts";
import type { QueueSummary, ReviewQueue } from "../accounts/queue.ts";
import type { PeerService } from "../peers/service.ts";

export interface DashboardFigures {
  readonly queue: QueueSummary;
  readonly approvalsThisWeek: number;
  readonly activePeers: number;
  readonly casesThisWeek: number;
  readonly credentialsExpiringSoon: number;
}

const WEEK = 7 * 86_400_000;

/** The figures a verifier opens the console to: the queue, the week, what needs doing soon. */
export function dashboardFigures(deps: { db: Db; queue: ReviewQueue; peers: PeerService }, now = new Date()): DashboardFigures {
  const weekAgo = new Date(now.getTime() - WEEK);
  const { db } = deps;
  return {
    queue: deps.queue.summary(),
    approvalsThisWeek:
      db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.action, "account.approve"), gte(auditLog.createdAt, weekAgo)))
        .get()?.n ?? 0,
    activePeers: deps.peers.activeOrigins().length,
    casesThisWeek:
      db
        .select({ n: count() })
        .from(statuses)
        .where(and(eq(statuses.kind, "case"), eq(statuses.local, true), gte(statuses.createdAt, weekAgo)))
        .get()?.n ?? 0,
    credentialsExpiringSoon:
      db
        .select({ n: count() })
        .from(accounts)
        .where(
          and(
            eq(accounts.status, "approved"),
            isNotNull(accounts.credentialExpiresAt),
            lte(accounts.credentialExpiresAt, new Date(now.getTime() + WEEK)),
          ),
        )
        .get()?.n ?? 0,
  };
}
