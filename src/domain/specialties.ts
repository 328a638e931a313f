/**
 * The fixed list of specialties.  Codes are stable (they travel in
 * credentials and hashtags); `nucc` is the NUCC Health Care Provider
 * Taxonomy code where one exists, `register` the labels registers use.
 */
export interface Specialty {
  readonly code: string;
  readonly label: string;
  readonly nucc: string | null;
  readonly registerLabels?: readonly string[];
}

export const SPECIALTIES: readonly Specialty[] = [
  { code: "acute_medicine", label: "Acute medicine", nucc: null },
  { code: "allergy_immunology", label: "Allergy and immunology", nucc: "207K00000X" },
  { code: "anaesthesiology", label: "Anaesthesiology", nucc: "207L00000X", registerLabels: ["Anaesthetics"] },
  { code: "cardiology", label: "Cardiology", nucc: "207RC0000X" },
  { code: "cardiothoracic_surgery", label: "Cardiothoracic surgery", nucc: "208G00000X" },
  { code: "clinical_genetics", label: "Clinical genetics", nucc: "207SG0201X" },
  { code: "clinical_pharmacology", label: "Clinical pharmacology", nucc: "208U00000X" },
  { code: "critical_care", label: "Critical care medicine", nucc: "207RC0200X", registerLabels: ["Intensive care medicine"] },
  { code: "dermatology", label: "Dermatology", nucc: "207N00000X" },
  { code: "emergency_medicine", label: "Emergency medicine", nucc: "207P00000X" },
  {
    code: "endocrinology",
    label: "Endocrinology and diabetes",
    nucc: "207RE0101X",
    registerLabels: ["Endocrinology and diabetes mellitus"],
  },
  { code: "family_medicine", label: "Family medicine", nucc: "207Q00000X" },
  { code: "gastroenterology", label: "Gastroenterology", nucc: "207RG0100X" },
  { code: "general_practice", label: "General practice", nucc: "208D00000X" },
  { code: "general_surgery", label: "General surgery", nucc: "208600000X", registerLabels: ["Surgery"] },
  { code: "geriatric_medicine", label: "Geriatric medicine", nucc: "207RG0300X" },
  { code: "haematology", label: "Haematology", nucc: "207RH0000X" },
  { code: "infectious_diseases", label: "Infectious diseases", nucc: "207RI0200X" },
  { code: "internal_medicine", label: "Internal medicine", nucc: "207R00000X", registerLabels: ["General internal medicine"] },
  { code: "medical_oncology", label: "Medical oncology", nucc: "207RX0202X" },
  { code: "nephrology", label: "Nephrology", nucc: "207RN0300X", registerLabels: ["Renal medicine"] },
  { code: "neurology", label: "Neurology", nucc: "2084N0400X" },
  { code: "neurosurgery", label: "Neurosurgery", nucc: "207T00000X" },
  { code: "nuclear_medicine", label: "Nuclear medicine", nucc: "207U00000X" },
  { code: "obstetrics_gynaecology", label: "Obstetrics and gynaecology", nucc: "207V00000X" },
  { code: "occupational_medicine", label: "Occupational medicine", nucc: "2083X0100X" },
  { code: "ophthalmology", label: "Ophthalmology", nucc: "207W00000X" },
  { code: "orthopaedic_surgery", label: "Orthopaedic surgery", nucc: "207X00000X", registerLabels: ["Trauma and orthopaedic surgery"] },
  { code: "otolaryngology", label: "Otolaryngology (ENT)", nucc: "207Y00000X" },
  { code: "paediatrics", label: "Paediatrics", nucc: "208000000X" },
  { code: "palliative_medicine", label: "Palliative medicine", nucc: "207RH0002X" },
  { code: "pathology", label: "Pathology", nucc: "207ZP0102X", registerLabels: ["Histopathology"] },
  { code: "physical_medicine_rehabilitation", label: "Rehabilitation medicine", nucc: "208100000X" },
  { code: "plastic_surgery", label: "Plastic surgery", nucc: "208200000X" },
  { code: "psychiatry", label: "Psychiatry", nucc: "2084P0800X", registerLabels: ["General psychiatry"] },
  { code: "public_health", label: "Public health medicine", nucc: "2083P0901X" },
  { code: "radiation_oncology", label: "Clinical oncology (radiation)", nucc: "2085R0001X", registerLabels: ["Clinical oncology"] },
  { code: "radiology", label: "Radiology", nucc: "2085R0202X", registerLabels: ["Clinical radiology"] },
  { code: "respiratory_medicine", label: "Respiratory medicine", nucc: "207RP1001X" },
  { code: "rheumatology", label: "Rheumatology", nucc: "207RR0500X" },
  { code: "sports_medicine", label: "Sport and exercise medicine", nucc: "207QS0010X" },
  { code: "tropical_medicine", label: "Tropical medicine", nucc: null },
  { code: "urology", label: "Urology", nucc: "208800000X" },
  { code: "vascular_surgery", label: "Vascular surgery", nucc: "2086S0129X" },
];

const byCode = new Map(SPECIALTIES.map((s) => [s.code, s]));
const byNucc = new Map(SPECIALTIES.filter((s) => s.nucc).map((s) => [s.nucc!, s]));
const byLabel = new Map(SPECIALTIES.flatMap((s) => [s.label, ...(s.registerLabels ?? [])].map((l) => [l.toLowerCase(), s] as const)));

export function findSpecialty(code: string): Specialty | undefined {
  return byCode.get(code);
}

export function specialtyFromNucc(taxonomy: string): Specialty | undefined {
  return byNucc.get(taxonomy.trim().toUpperCase());
}

export function specialtyFromRegisterLabel(label: string): Specialty | undefined {
  return byLabel.get(label.trim().toLowerCase());
}

/** The NUCC terminology, for credentials' `specialty.system`. */
export const NUCC_SYSTEM = "http://nucc.org/provider-taxonomy";
