import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findPhi } from "../../../src/domain/phi/guard.ts";
import { nhsCheckDigitValid, ssnValid } from "../../../src/domain/phi/detectors.ts";
import { phiMetrics, readExamples } from "../../../scripts/phi-metrics.ts";

const examples = readFileSync(new URL("../../fixtures/phi-cases.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { kind: string; text: string; expect: string[] });

const types = (text: string) => [...new Set(findPhi(text).map((f) => f.type))].sort();

describe("PHI guard: the shared examples", () => {
  it.each(examples.map((e) => [e.kind, e.text, e.expect] as const))("%s: %s", (_kind, text, expected) => {
    expect(types(text)).toEqual([...expected].sort());
  });
});

describe("PHI guard: identifiers", () => {
  it.each([
    ["name", "Seen with her husband Gareth, who is worried about the falls."],
    ["name", "A man named Tobias Fenwick-Lowe was transferred from the ward."],
    ["name", "Prof. Ingeborg Dahl reviewed the biopsy."],
    ["name", "Name: Priya Raman"],
    ["date", "Admitted on 12th May 2023 with pneumonia."],
    ["date", "Last seen 21.08.2025 in clinic."],
    ["date", "Symptoms since 1/9/1972? No, since 1/9/22."],
    ["date", "Onset in March 2021 after a viral illness."],
    ["date", "Surgery planned for 3rd of June."],
    ["age_over_89", "A 103 year old with hip fracture."],
    ["age_over_89", "Lady in her late 90s with delirium."],
    ["age_over_89", "91yo on apixaban"],
    ["phone", "Ring +44 20 7946 0958 for the registrar."],
    ["phone", "Pager 202-555-0143 overnight."],
    ["email", "Reply to j_o.smith+cases@nhs.example.net please."],
    ["address", "Found at 221B Baker Street by neighbours."],
    ["postcode", "Lives near SW1A 1AA."],
    ["postcode", "Moved to Springfield, IL 62704 last year."],
    ["ssn", "SSN: 219-09-9999 on the form."],
    ["nhs_number", "NHS no 9434765919 on the label."],
    ["health_number", "Medicare MBI 1EG4-TE5-MK73 on the claim."],
    ["mrn", "Medical record number 4471-2209-A"],
    ["account", "Account no. 883001245 was billed twice."],
    ["url", "See www.example-clinic.test/patients/22 for scans."],
    ["ip", "Logged in from 192.168.10.254 at night."],
    ["vehicle", "Car reg no. YX70 KLM was involved."],
    ["device", "Insulin pump S/N: TX-0093321 alarmed."],
  ])("finds %s in: %s", (type, text) => {
    expect(types(text)).toContain(type);
  });

  it("reports offsets that point at the text", () => {
    const text = "Mrs Okafor, DOB 14/03/1958, MRN: 00482913.";
    for (const f of findPhi(text)) expect(text.slice(f.start, f.end)).toBe(f.text);
    expect(findPhi(text).map((f) => f.type)).toEqual(["name", "date", "mrn"]);
  });

  it("validates check digits and issued ranges rather than shapes", () => {
    expect(nhsCheckDigitValid("9434765919")).toBe(true);
    expect(nhsCheckDigitValid("9434765918")).toBe(false);
    expect(ssnValid("078", "05", "1120")).toBe(true);
    expect(ssnValid("666", "05", "1120")).toBe(false);
    expect(ssnValid("912", "05", "1120")).toBe(false);
    expect(types("Reference 943 476 5918 in the letter")).not.toContain("nhs_number");
    expect(types("Code 000-12-3456 is not a valid SSN")).not.toContain("ssn");
  });
});

describe("PHI guard: clinical writing passes untouched", () => {
  it.each([
    "BP 120/80, HR 72, RR 16, SpO2 98% on air, T 37.8.",
    "pH 7.29, pCO2 6.8 kPa, HCO3 22, lactate 3.1; HbA1c 7.2% (55 mmol/mol).",
    "GCS 13/15, 6/52 history of weight loss, take 1/2 tablet nocte, grade 3/6 systolic murmur.",
    "Known Crohn's disease, previous Hodgkin lymphoma, now ?Addison's. Differential includes Guillain-Barré and Sjögren's; Cushing's excluded.",
    "On Eliquis 5 mg BD, Ozempic 1 mg weekly, Keytruda cycle 4, Humira 40 mg fortnightly.",
    "Day 3 of IV co-amoxiclav, symptoms started 2 weeks ago, worse over the last 48 h.",
    "Aged 89, independent, lives with family. Another patient aged 45 had the same picture.",
    "Woman in her 30s; man in his 70s; elderly (80s) with falls.",
    "Troponin 18 -> 240 ng/L at 3 h. ECG: ST elevation V1-V4. Cath lab at 02:15.",
    "Stage T2N1M0 adenocarcinoma, PSA 12.4, Gleason 4+3=7, ISUP grade group 3.",
    "Na 128, K 5.9, urea 14.2, creatinine 187 (baseline 95), eGFR 28. CKD G4A3.",
    "Dose: 0.5 mg/kg, max 40 mg. Repeat in 6-8 weeks. Follow-up in 3 months.",
    "The patient was started on amiodarone; the patient, however, developed thyroiditis.",
    "Her husband was present. Daughter is a nurse. His mother had breast cancer at 52.",
    "Dr on call reviewed at 23:40. Discussed at MDT with the oncology team.",
    "ICD-10 I21.4; NYHA class III; CHA2DS2-VASc 4; HAS-BLED 2; Wells score 6.",
    "Fluids 1.5 L over 24 h; 10^9/L platelets 45; Hb 72 g/L; INR 1.4; APTT 38 s.",
    "In May she may need a repeat scan; in March we march on with chemo.",
    "Teenager aged 15, 165 cm, 58 kg, BMI 21.3. Tanner stage 4.",
    "@cardio_reg@consilium.nhs.example and @neuro@10.0.0.7:3000 what do you think?",
    "CTPA: filling defects in segmental arteries of RLL; echo LVEF 35-40%.",
  ])("passes: %s", (text) => {
    expect(findPhi(text)).toEqual([]);
  });
});

describe("PHI guard: recall by identifier type and false blocks", () => {
  it.each([
    ["the examples", "phi-cases.jsonl"],
    ["the held-out texts", "phi-holdout.jsonl"],
  ])("%s: every identifier type found in ≥ 98 % of texts, no clean text blocked", (_name, file) => {
    const examples = readExamples(new URL(`../../fixtures/${file}`, import.meta.url));
    const metrics = phiMetrics(examples);
    expect(metrics.clean).toBeGreaterThan(0);
    for (const [type, row] of Object.entries(metrics.recall)) expect(row.recall, type).toBeGreaterThanOrEqual(0.98);
    expect(metrics.cleanBlocked).toBe(0);
  });

  it.each([
    ["the multilingual corpus", "phi-multilingual.jsonl"],
    ["the multilingual hold-out", "phi-multilingual-holdout.jsonl"],
    ["the second multilingual hold-out", "phi-multilingual-holdout2.jsonl"],
  ])("%s: in every language ≥ 95 % of identifiers found, and no clean text blocked", (_name, file) => {
    const examples = readExamples(new URL(`../../fixtures/${file}`, import.meta.url));
    const languages = [...new Set(examples.map((e) => e.lang ?? "en"))];
    expect(languages.length).toBeGreaterThanOrEqual(6);
    for (const lang of languages) {
      const metrics = phiMetrics(examples.filter((e) => (e.lang ?? "en") === lang));
      const expected = Object.values(metrics.recall).reduce((n, r) => n + r.expected, 0);
      const found = Object.values(metrics.recall).reduce((n, r) => n + r.found, 0);
      expect(found / expected, lang).toBeGreaterThanOrEqual(0.95);
      expect({ lang, cleanBlocked: metrics.cleanBlocked }).toEqual({ lang, cleanBlocked: 0 });
    }
  });

  it("counts what it should: a miss lowers recall, a blocked clean text raises the false block rate", () => {
    const metrics = phiMetrics([
      { kind: "name", text: "Patient John Harrowgate has chest pain.", expect: ["name"] },
      { kind: "name", text: "Nothing to see here, just troponin.", expect: ["name"] },
      { kind: "clean", text: "Mr Harold Pemberton had a CT.", expect: [] },
      { kind: "clean", text: "BP 120/80.", expect: [] },
    ]);
    expect(metrics.recall["name"]).toEqual({ expected: 2, found: 1, recall: 0.5 });
    expect(metrics).toMatchObject({ clean: 2, cleanBlocked: 1, falseBlockRate: 0.5 });
  });
});
