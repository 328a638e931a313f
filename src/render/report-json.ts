import type { ReportRow } from "../domain/moderation/reports.ts";
import type { WarningRow } from "../domain/moderation/actions.ts";
import type { Services } from "../services.ts";
import { accountsByIdJson, accountViewJson, adminAccountJson, adminRemoteAccountJson } from "./accounts-json.ts";
import { renderStatuses } from "./statuses-json.ts";

const ids = (json: string) => JSON.parse(json) as string[];

/** What Mastodon's Report and Admin::Report have in common. */
function reportFields(report: ReportRow) {
  return {
    id: report.id,
    action_taken: report.actionTaken,
    action_taken_at: report.actionTakenAt?.toISOString() ?? null,
    category: report.category,
    comment: report.comment,
    forwarded: report.forwarded,
    created_at: report.createdAt.toISOString(),
  };
}

/** Mastodon's Report entity, as the reporter sees it. */
export function reportJson(report: ReportRow, services: Services) {
  const target = services.directory.get(report.targetAccountId);
  return {
    ...reportFields(report),
    status_ids: ids(report.statusIds),
    rule_ids: ids(report.ruleIds),
    target_account: target ? accountViewJson(target, services) : null,
  };
}

/** An Admin::Account for any account id, local or a peer's; null if it is gone. */
export function anyAdminAccountJson(id: string | null, services: Services) {
  if (!id) return null;
  const local = services.accounts.get(id);
  if (local) return adminAccountJson(local, services);
  const remote = services.directory.findRemoteById(id);
  return remote ? adminRemoteAccountJson(services.directory.remoteView(remote), services, remote) : null;
}

/** Mastodon's Admin::Report; a peer's report names the reporting instance, never a person. */
export function adminReportJson(report: ReportRow, viewerId: string, services: Services) {
  const statuses = [...services.store.getMany(ids(report.statusIds)).values()];
  const rules = new Set(ids(report.ruleIds));
  return {
    ...reportFields(report),
    updated_at: report.updatedAt.toISOString(),
    account: anyAdminAccountJson(report.accountId, services),
    target_account: anyAdminAccountJson(report.targetAccountId, services),
    assigned_account: anyAdminAccountJson(report.assignedAccountId, services),
    action_taken_by_account: anyAdminAccountJson(report.actionTakenByAccountId, services),
    statuses: renderStatuses(statuses, viewerId, services).json,
    rules: services.rules
      .list()
      .filter((r) => rules.has(String(r.id)))
      .map((r) => ({ id: String(r.id), text: r.text, hint: r.hint })),
    consilium: { reporting_instance: report.origin },
  };
}

/** Mastodon's AccountWarning entity (a moderation decision, and its appeal). */
export function warningJson(warning: WarningRow, services: Services) {
  const [target] = accountsByIdJson([warning.accountId], services);
  return {
    id: warning.id,
    action: warning.action,
    text: warning.text,
    status_ids: ids(warning.statusIds),
    target_account: target ?? null,
    appeal: warning.appealedAt ? { text: warning.appealText, state: warning.appealState } : null,
    created_at: warning.createdAt.toISOString(),
  };
}
