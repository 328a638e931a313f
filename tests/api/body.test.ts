import { describe, expect, it } from "vitest";
import { boolish, nestParams } from "../../src/http/body.ts";

describe("form parameter nesting", () => {
  it("builds arrays and hashes from Rails-style keys", () => {
    expect(
      nestParams([
        ["status", "hi"],
        ["poll[options][]", "yes"],
        ["poll[options][]", "no"],
        ["poll[expires_in]", "300"],
        ["choices[]", "0"],
        ["fields_attributes[1][name]", "B"],
        ["fields_attributes[0][name]", "A"],
      ]),
    ).toEqual({
      status: "hi",
      poll: { options: ["yes", "no"], expires_in: "300" },
      choices: ["0"],
      fields_attributes: [{ name: "A" }, { name: "B" }],
    });
  });

  it("reads booleans as clients send them", () => {
    expect([boolish("true"), boolish("false"), boolish("1"), boolish(0), boolish(""), boolish("maybe")]).toEqual([
      true,
      false,
      true,
      false,
      undefined,
      undefined,
    ]);
  });
});
