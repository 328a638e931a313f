import type { ExportRow } from "../domain/exports/service.ts";
import type { Services } from "../services.ts";

/** A data export as the account API and page show it. */
export function exportJson(row: ExportRow | undefined, services: Services) {
  if (!row) return { state: "none", url: null, expires_at: null, created_at: null };
  const done = row.state === "done" && row.fileName;
  return {
    id: row.id,
    state: row.state,
    created_at: row.createdAt.toISOString(),
    size: row.size,
    url: done ? services.exportUrls.url(row.fileName!) : null,
    expires_at: done ? services.exportUrls.expiresAt().toISOString() : null,
  };
}
