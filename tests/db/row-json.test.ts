import { describe, expect, it } from "vitest";
import { rowsFromJson, rowsToJson } from "../../src/db/row-json.ts";

describe("rows stored to be replayed (deliveries, events)", () => {
  it("keep dates and leave secrets out", () => {
    const at = new Date(1_700_000_000_000);
    const json = rowsToJson([
      { id: "1", createdAt: at, passwordHash: "$argon2id$…", identity: "sealed", emailHmac: "h", nested: { at } },
      ["a"],
      null,
    ]);
    expect(json).not.toMatch(/argon2|sealed|emailHmac/);
    expect(rowsFromJson(json)).toEqual([{ id: "1", createdAt: at, nested: { at } }, ["a"], null]);
  });
});
