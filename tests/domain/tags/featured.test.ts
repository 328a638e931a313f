import { afterEach, describe, expect, it } from "vitest";
import { DomainError } from "../../../src/domain/errors.ts";
import { FeaturedTags, MAX_FEATURED_TAGS } from "../../../src/domain/tags/featured.ts";
import { tempDatabase } from "../../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function featured(): FeaturedTags {
  const { handle, cleanup } = tempDatabase();
  cleanups.push(cleanup);
  return new FeaturedTags(handle.adb);
}

describe("featured hashtags on the asynchronous data layer", () => {
  it("keeps the limit when calls interleave (the count and the insert are one transaction)", async () => {
    const tags = featured();
    const results = await Promise.allSettled(Array.from({ length: 15 }, (_, i) => tags.feature("a1", `topic${i}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_FEATURED_TAGS);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason);
    expect(refused).toHaveLength(5);
    expect(refused.every((e) => e instanceof DomainError)).toBe(true);
    expect(await tags.list("a1")).toHaveLength(MAX_FEATURED_TAGS);
  });

  it("features a tag once, says which it features, and unfeatures by id or by name", async () => {
    const tags = featured();
    const first = await tags.feature("a1", "#Sepsis");
    expect(await tags.feature("a1", "sepsis")).toEqual(first);
    await tags.feature("a1", "stroke");
    expect(await tags.featuring("a1", ["sepsis", "stroke", "copd"])).toEqual(new Set(["sepsis", "stroke"]));
    expect(await tags.featuring("a2", ["sepsis"])).toEqual(new Set());
    expect(await tags.unfeature("a1", { id: first.id })).toBe(true);
    expect(await tags.unfeature("a1", { id: first.id })).toBe(false);
    expect(await tags.unfeature("a1", { name: "#stroke" })).toBe(true);
    expect(await tags.list("a1")).toEqual([]);
    await expect(tags.feature("a1", "not a tag!")).rejects.toThrow("Validation failed");
  });
});
