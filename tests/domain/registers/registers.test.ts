import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../../src/db/client.ts";
import { createKeyring } from "../../../src/domain/crypto/keyring.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { parseRegisterCsv } from "../../../src/domain/registers/layouts.ts";
import { RegisterService } from "../../../src/domain/registers/service.ts";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/registers/${name}`, import.meta.url), "utf8");

describe("register layouts", () => {
  it("reads the GMC LRMP layout with licence status", () => {
    const parsed = parseRegisterCsv(fixture("gb-lrmp-sample.csv"));
    expect(parsed.source).toBe("gmc-lrmp");
    expect(parsed.rows).toHaveLength(12);
    const byRef = Object.fromEntries(parsed.rows.map((r) => [r.reference, r]));
    expect(byRef["7012345"]).toMatchObject({ active: true, specialty: "cardiology", jurisdiction: "GB" });
    expect(byRef["7034567"]!.active).toBe(false); // registered without a licence
    expect(byRef["7056789"]!.active).toBe(false); // suspended
    expect(byRef["7101234"]!.active).toBe(false); // erased
    expect(byRef["7112345"]!.specialty).toBe("endocrinology");
  });

  it("reads the NPPES layout: individuals only, deactivation and reactivation", () => {
    const parsed = parseRegisterCsv(fixture("us-nppes-sample.csv"));
    expect(parsed.source).toBe("nppes");
    expect(parsed.rows).toHaveLength(9);
    expect(parsed.skipped).toEqual([{ line: 7, reason: expect.stringMatching(/not an individual/) }]);
    const byNpi = Object.fromEntries(parsed.rows.map((r) => [r.reference, r]));
    expect(byNpi["1003000126"]).toMatchObject({ jurisdiction: "US-CA", licenseNumber: "A123456", active: true, specialty: "cardiology" });
    expect(byNpi["1033000123"]!.active).toBe(false); // deactivated, never reactivated
    expect(byNpi["1083000128"]!.active).toBe(true); // reactivated after deactivation
  });

  it("refuses an unknown layout", () => {
    expect(() => parseRegisterCsv("a,b\n1,2\n")).toThrow(DomainError);
  });
});

describe("register matching", () => {
  let db: DatabaseHandle;
  let registers: RegisterService;
  beforeEach(() => {
    db = openDatabase(":memory:");
    registers = new RegisterService(db.db, createKeyring("unit-test-secret-unit-test-secret"));
    registers.import(fixture("gb-lrmp-sample.csv"));
    registers.import(fixture("us-nppes-sample.csv"));
  });
  afterEach(() => db.close());

  const match = (legalName: string, licenseNumber: string, licenseJurisdiction: string) =>
    registers.match({ legalName, licenseNumber, licenseJurisdiction }).status;

  it("exact: licence and name agree and the doctor may practise", () => {
    expect(match("Adaeze Okonkwo-Hart", "7012345", "GB")).toBe("exact");
    expect(match("Marisol Quintero-Blake", "a-123456", "US-CA")).toBe("exact");
    expect(match("Emiko Nakagawa", "DO45821", "US-TX")).toBe("exact");
    expect(match("Simone Delacroix-Mbeki", "MD 77001", "US-MA")).toBe("exact");
  });

  it("inactive: found, but suspended, erased, deactivated or without a licence", () => {
    expect(match("Kwabena Mensah", "7056789", "GB")).toBe("inactive");
    expect(match("Arjun Bhattacharya", "7101234", "GB")).toBe("inactive");
    expect(match("Isobel Fairbairn", "7034567", "GB")).toBe("inactive");
    expect(match("Jasper Verhoeven", "25MA0778812", "US-NJ")).toBe("inactive");
  });

  it("partial: only the number or only the name agrees", () => {
    expect(match("Someone Else", "7012345", "GB")).toBe("partial");
    expect(match("Peter Lindqvist", "7000000", "GB")).toBe("partial");
  });

  it("none: nothing agrees, or the licence is from another jurisdiction", () => {
    expect(match("Nobody Known", "1234567", "GB")).toBe("none");
    expect(match("Erik Larsen", "DO-9911", "US-OR")).toBe("none");
  });

  it("re-importing replaces entries instead of duplicating them", () => {
    const again = registers.import(fixture("gb-lrmp-sample.csv"));
    expect(again.imported).toBe(12);
    const count = db.sqlite.prepare("SELECT count(*) AS n FROM register_entries").get() as { n: number };
    expect(count.n).toBe(21);
  });
});
