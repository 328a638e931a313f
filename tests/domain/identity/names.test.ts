import { describe, expect, it } from "vitest";
import { legalNamePartsIn, nameTokens } from "../../../src/domain/identity/names.ts";

describe("pseudonym check", () => {
  it("finds any 3+ letter part of the legal name, ignoring case, accents and separators", () => {
    expect(legalNamePartsIn("Adaeze Mary Okonkwo-Hart", "dr_okonkwo")).toEqual(["okonkwo"]);
    expect(legalNamePartsIn("Adaeze Mary Okonkwo-Hart", "MaryCardio")).toEqual(["mary"]);
    expect(legalNamePartsIn("Zoë Ødegård", "zoe_heart")).toEqual(["zoe"]);
    expect(legalNamePartsIn("Siobhán O'Neill", "o.n.e.i.l.l")).toEqual(["oneill"]);
    expect(legalNamePartsIn("Adaeze Okonkwo-Hart", "heart_doc")).toEqual([]);
  });

  it("ignores parts shorter than three letters", () => {
    expect(legalNamePartsIn("Li Wu", "liwu_neuro")).toEqual([]);
    expect(legalNamePartsIn("Li Wu Fang", "fangirl")).toEqual(["fang"]);
  });

  it("tokenises names into letter runs", () => {
    expect(nameTokens("Ferreira da Costa, Tomás")).toEqual(["ferreira", "da", "costa", "tomas"]);
  });
});
