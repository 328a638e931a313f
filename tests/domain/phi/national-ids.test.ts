import { describe, expect, it } from "vitest";
import { findPhi } from "../../../src/domain/phi/guard.ts";

/**
 * National numbers of the network's countries, in the forms people write them,
 * found by their check digits; the same shapes with a wrong check digit, and
 * the numbers of clinical text, pass.  The valid examples are the published
 * specimens of each scheme (or computed outside this code base), all synthetic.
 */
const types = (text: string) => findPhi(text).map((f) => f.type);
const found = (text: string) =>
  findPhi(text)
    .filter((f) => f.type === "national_id")
    .map((f) => f.text);

describe("national identifiers", () => {
  it.each([
    ["French NIR, grouped", "Mme X, NIR 1 85 05 78 006 084 91, adressée pour bilan.", "1 85 05 78 006 084 91"],
    ["French NIR, Corsica, bare", "Assurée 272112A12345664 vue ce jour.", "272112A12345664"],
    ["German Steuer-ID, dotted", "Steuer-ID 86.095.742.719 liegt vor.", "86.095.742.719"],
    ["German Steuer-ID, bare after its label", "IdNr 65929970489 im Bescheid.", "65929970489"],
    ["German Krankenversichertennummer", "Versichert unter A123456780 bei der Kasse.", "A123456780"],
    ["Spanish DNI", "Paciente con DNI 12345678Z ingresa.", "12345678Z"],
    ["Spanish DNI, dotted", "Documento 12.345.678-Z aportado.", "12.345.678-Z"],
    ["Spanish NIE", "NIE X1234567L en la historia.", "X1234567L"],
    ["Italian codice fiscale", "Codice fiscale RSSMRA85T10A562S in cartella.", "RSSMRA85T10A562S"],
    ["Dutch BSN, dotted", "BSN 1234.56.782 op de verwijzing.", "1234.56.782"],
    ["Dutch BSN, bare after its label", "burgerservicenummer 111222333 bekend.", "111222333"],
    ["Brazilian CPF", "CPF 529.982.247-25 no prontuário.", "529.982.247-25"],
    ["Brazilian CNS", "Cartão SUS 702 3456 7891 2346 apresentado.", "702 3456 7891 2346"],
    ["Brazilian CNS, bare", "CNS 298712345678906.", "298712345678906"],
    ["Canadian SIN", "SIN 130-692-544 on file.", "130-692-544"],
    ["Australian Medicare, by its check digit", "Card 2123 45670 1 presented.", "2123 45670 1"],
    ["Indian Aadhaar", "Aadhaar 2341 2341 2346 verified.", "2341 2341 2346"],
    ["Indian PAN", "PAN ABCPE1234F on the claim.", "ABCPE1234F"],
  ])("finds %s", (_what, text, number) => {
    expect(found(text)).toEqual([number]);
  });

  it.each([
    ["a NIR with a wrong key", "Réf. 1 85 05 78 006 084 92"],
    ["a Steuer-ID with a wrong check digit", "Ref. 86.095.742.718"],
    ["a DNI with a wrong letter", "DNI 12345678A"],
    ["a codice fiscale with a wrong check letter", "Codice fiscale RSSMRA85T10A562T"],
    ["a CPF with wrong check digits", "Ref. 529.982.247-26"],
    ["a SIN failing Luhn", "SIN 130-692-545"],
    ["an Aadhaar with a wrong check digit", "Ref. 2341 2341 2347"],
  ])("passes %s", (_what, text) => {
    expect(found(text)).toEqual([]);
  });

  it.each([
    ["NIR 1 85 05 78 006 084 92", "1 85 05 78 006 084 92"],
    ["Steuer-ID 86.095.742.718", "86.095.742.718"],
    ["CPF 529.982.247-26", "529.982.247-26"],
    ["Aadhaar 2341 2341 2347", "2341 2341 2347"],
  ])("finds a mistyped number under a label that means nothing else: %s", (text, number) => {
    expect(found(text)).toEqual([number]);
  });

  it.each([
    "Hb 13,2 g/dl, Leukozyten 12.400/µl, Thrombozyten 245.000/µl.",
    "Plaquettes 245 000/mm3, CRP 12 mg/l, créatinine 89 µmol/l.",
    "Leucocitos 12.400/mm3; dosis 1.000 mg cada 8 h.",
    "Dose 500 mg 3x/dia; plaquetas 150.000; TGO 45 U/L.",
    "eGFR 45 ml/min/1,73 m2, NT-proBNP 12 345 pg/ml.",
    "Ferritine 1 250 µg/l; troponine 0,045 µg/l.",
    "CD4 350 cells/µl, viral load 12 345 copies/ml, 123 456 789 reads.",
  ])("leaves clinical numbers alone: %s", (text) => {
    expect(types(text)).not.toContain("national_id");
  });
});
