import type { ConversationRow } from "../domain/conversations/service.ts";
import type { Services } from "../services.ts";
import { accountsJson } from "./accounts-json.ts";
import { renderStatuses } from "./statuses-json.ts";

/** Mastodon's Conversation entity: the other participants and the last status. */
export function conversationsJson(rows: readonly ConversationRow[], viewerId: string, services: Services) {
  const last = services.store.getMany(rows.map((r) => r.lastStatusId));
  const visible = new Map(services.visibility.visibleTo(viewerId, [...last.values()]).map((s) => [s.id, s]));
  const statuses = new Map(
    renderStatuses([...visible.values()], viewerId, services, { context: "thread" }).json.map((s) => [s["id"] as string, s]),
  );
  const mentions = services.store.mentionsOf([...visible.keys()]);
  return rows
    .filter((r) => statuses.has(r.lastStatusId))
    .map((r) => {
      const status = visible.get(r.lastStatusId)!;
      const participants = [...new Set([status.accountId, ...(mentions.get(status.id) ?? [])])].filter((id) => id !== viewerId);
      const views = services.directory.getMany(participants);
      return {
        id: r.id,
        unread: r.unread,
        accounts: accountsJson([...views.values()], services),
        last_status: statuses.get(r.lastStatusId) ?? null,
      };
    });
}
