import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { tempDir } from "./helpers/temp.ts";

describe("configuration", () => {
  it("has working defaults and generates a development secret once", () => {
    const dir = tempDir();
    try {
      const a = loadConfig({ CONSILIUM_DATA_DIR: dir.path });
      expect(a).toMatchObject({ origin: "http://localhost:3000", port: 3000, country: "GB", allowPrivateAddress: false });
      // The generated secret, and the contact address (localhost is no mail domain).
      expect(a.warnings).toHaveLength(2);
      expect(a.contactEmail).toBe("postmaster@localhost.localdomain");
      expect(loadConfig({ CONSILIUM_DATA_DIR: dir.path, CONSILIUM_ORIGIN: "https://consilium.gmc.example" }).contactEmail).toBe(
        "postmaster@consilium.gmc.example",
      );
      expect(loadConfig({ CONSILIUM_DATA_DIR: dir.path }).secret).toBe(a.secret);
    } finally {
      dir.cleanup();
    }
  });

  it("names every invalid variable", () => {
    expect(() =>
      loadConfig({
        CONSILIUM_ORIGIN: "ftp://x",
        PORT: "99999",
        CONSILIUM_COUNTRY: "GBR",
        CONSILIUM_ALLOW_PRIVATE_ADDRESS: "perhaps",
        CONSILIUM_SECRET: "x",
      }),
    ).toThrow(/CONSILIUM_ORIGIN[\s\S]*PORT|PORT[\s\S]*CONSILIUM_ORIGIN/);
    const error = (() => {
      try {
        loadConfig({ CONSILIUM_COUNTRY: "GBR", CONSILIUM_SECRET: "short", CONSILIUM_ALLOW_PRIVATE_ADDRESS: "perhaps" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/CONSILIUM_COUNTRY/);
    expect((error as Error).message).toMatch(/CONSILIUM_SECRET/);
    expect((error as Error).message).toMatch(/CONSILIUM_ALLOW_PRIVATE_ADDRESS/);
  });

  it("requires the secret in production", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/CONSILIUM_SECRET: required/);
  });
});
