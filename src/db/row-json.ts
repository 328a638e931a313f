/** Fields of a row that must never be copied into another table (a delivery or an event needs none of them). */
const SECRET_FIELDS = new Set(["passwordHash", "identity", "emailHmac", "privateJwk"]);

/** Rows as JSON, Dates kept (as `{"$date": ms}`) and secrets left out: for rows stored to be replayed. */
export function rowsToJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, json) {
    if (SECRET_FIELDS.has(key)) return undefined;
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : json;
  });
}

export function rowsFromJson<T = unknown>(json: string): T {
  return JSON.parse(json, (_key, value) =>
    value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && typeof value.$date === "number"
      ? new Date(value.$date)
      : value,
  ) as T;
}
