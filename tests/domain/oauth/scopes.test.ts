import { describe, expect, it } from "vitest";
import { isSubset, parseScopes, scopeAllows, unknownScopes } from "../../../src/domain/oauth/scopes.ts";

describe("OAuth scopes", () => {
  it("lets a parent scope grant its sub-scopes, not the reverse", () => {
    expect(scopeAllows(["read"], "read:accounts")).toBe(true);
    expect(scopeAllows(["read:accounts"], "read")).toBe(false);
    expect(scopeAllows(["admin:read"], "admin:read:accounts")).toBe(true);
    expect(scopeAllows(["read"], "admin:read:accounts")).toBe(false);
  });

  it("expands the legacy follow scope and the profile scope as Mastodon does", () => {
    expect(scopeAllows(["follow"], "write:follows")).toBe(true);
    expect(scopeAllows(["follow"], "write:statuses")).toBe(false);
    expect(scopeAllows(["read:accounts"], "profile")).toBe(true);
  });

  it("parses space- and plus-separated scopes and spots unknown ones", () => {
    expect(parseScopes("read+write  follow")).toEqual(["read", "write", "follow"]);
    expect(unknownScopes(["read", "read:everything", "sudo"])).toEqual(["read:everything", "sudo"]);
    expect(isSubset(["read:statuses", "write:media"], ["read", "write"])).toBe(true);
    expect(isSubset(["admin:read"], ["read", "write"])).toBe(false);
  });
});
