import { parse } from "csv-parse/sync";
import { DomainError } from "../errors.ts";
import { specialtyFromNucc, specialtyFromRegisterLabel } from "../specialties.ts";

/** One practitioner row from a register extract, layout-independent. */
export interface RegisterRow {
  readonly line: number;
  readonly source: "gmc-lrmp" | "nppes";
  readonly jurisdiction: string;
  /** The register's own reference (GMC number, NPI). */
  readonly reference: string;
  readonly licenseNumber: string;
  readonly surname: string;
  readonly givenNames: string;
  readonly registrationStatus: string;
  readonly active: boolean;
  readonly specialty: string | null;
}

export interface ParsedRegister {
  readonly source: "gmc-lrmp" | "nppes";
  readonly rows: RegisterRow[];
  readonly skipped: { line: number; reason: string }[];
}

const GMC_COLUMNS = ["GMC Ref No", "Surname", "Given Names", "Registration Status"] as const;
const NPPES_COLUMNS = [
  "NPI",
  "Entity Type Code",
  "Provider Last Name (Legal Name)",
  "Provider First Name",
  "Provider License Number_1",
  "Provider License Number State Code_1",
] as const;

const GMC_ACTIVE = "registered with a licence to practise";

/** Parses a UK GMC LRMP or US NPPES extract; the layout is told by its header. */
export function parseRegisterCsv(csv: string): ParsedRegister {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false });
  } catch (error) {
    throw new DomainError("unprocessable", `The register file is not valid CSV: ${(error as Error).message}`);
  }
  const header = records.length > 0 ? Object.keys(records[0]!) : csvHeader(csv);
  if (GMC_COLUMNS.every((c) => header.includes(c))) return parseGmc(records);
  if (NPPES_COLUMNS.every((c) => header.includes(c))) return parseNppes(records);
  throw new DomainError(
    "unprocessable",
    "Unrecognised register layout: expected the UK GMC LRMP columns (GMC Ref No, Surname, Given Names, Registration Status) or the US NPPES columns (NPI, Entity Type Code, Provider Last Name (Legal Name), Provider First Name, Provider License Number_1, Provider License Number State Code_1)",
  );
}

function csvHeader(csv: string): string[] {
  const first = csv.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  return first.split(",").map((c) => c.trim());
}

function parseGmc(records: Record<string, string>[]): ParsedRegister {
  const rows: RegisterRow[] = [];
  const skipped: ParsedRegister["skipped"] = [];
  records.forEach((r, i) => {
    const line = i + 2;
    const reference = r["GMC Ref No"] ?? "";
    if (!/^\d{7}$/.test(reference)) {
      skipped.push({ line, reason: "GMC Ref No is not a 7-digit number" });
      return;
    }
    if (!r["Surname"]) {
      skipped.push({ line, reason: "Surname is empty" });
      return;
    }
    const status = r["Registration Status"] ?? "";
    rows.push({
      line,
      source: "gmc-lrmp",
      jurisdiction: "GB",
      reference,
      licenseNumber: reference,
      surname: r["Surname"],
      givenNames: r["Given Names"] ?? "",
      registrationStatus: status,
      active: status.toLowerCase() === GMC_ACTIVE,
      specialty: r["Specialty"] ? (specialtyFromRegisterLabel(r["Specialty"])?.code ?? null) : null,
    });
  });
  return { source: "gmc-lrmp", rows, skipped };
}

/** NPPES dates are MM/DD/YYYY. */
function nppesDate(value: string | undefined): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value ?? "");
  return m ? Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2])) : null;
}

function parseNppes(records: Record<string, string>[]): ParsedRegister {
  const rows: RegisterRow[] = [];
  const skipped: ParsedRegister["skipped"] = [];
  records.forEach((r, i) => {
    const line = i + 2;
    if (r["Entity Type Code"] !== "1") {
      skipped.push({ line, reason: "not an individual (Entity Type Code is not 1)" });
      return;
    }
    const licence = r["Provider License Number_1"] ?? "";
    const state = (r["Provider License Number State Code_1"] ?? "").toUpperCase();
    if (!licence || !/^[A-Z]{2}$/.test(state)) {
      skipped.push({ line, reason: "no state licence number and state code" });
      return;
    }
    const deactivated = nppesDate(r["NPI Deactivation Date"]);
    const reactivated = nppesDate(r["NPI Reactivation Date"]);
    const active = deactivated == null || (reactivated != null && reactivated >= deactivated);
    const given = [r["Provider First Name"], r["Provider Middle Name"]].filter(Boolean).join(" ");
    rows.push({
      line,
      source: "nppes",
      jurisdiction: `US-${state}`,
      reference: r["NPI"] ?? "",
      licenseNumber: licence,
      surname: r["Provider Last Name (Legal Name)"] ?? "",
      givenNames: given,
      registrationStatus: active ? "Active" : "Deactivated",
      active,
      specialty: specialtyFromNucc(r["Healthcare Provider Taxonomy Code_1"] ?? "")?.code ?? null,
    });
  });
  return { source: "nppes", rows, skipped };
}
