import { z } from "zod";
import { findSpecialty } from "../specialties.ts";
import { escapeHtml } from "../text.ts";

export const CASE_MEDIA_TYPE = "application/vnd.consilium.case+json";

export const AGE_BANDS = [
  "neonate",
  "infant",
  "child",
  "adolescent",
  "18-29",
  "30-39",
  "40-49",
  "50-59",
  "60-69",
  "70-79",
  "80-89",
  "90+",
] as const;

const section = (max: number) => z.string().trim().max(max).optional().default("");

/** The structured fields of a case, as clients send them and peers receive them. */
export const caseSchema = z.object({
  kind: z.enum(["help", "solved", "teaching"]),
  title: z.string().trim().min(1, "can't be blank").max(200),
  age_band: z.enum(AGE_BANDS).optional().nullable().default(null),
  sex: z.enum(["female", "male", "intersex", "unknown"]).optional().nullable().default(null),
  presenting_complaint: section(2000),
  history: section(5000),
  examination: section(5000),
  investigations: section(5000),
  question: section(2000),
  specialties: z
    .array(z.string())
    .max(5)
    .optional()
    .default([])
    .refine((codes) => codes.every((c) => findSpecialty(c)), "must be known specialty codes"),
});

export type CaseFields = z.output<typeof caseSchema>;

/** The full structured record carried in `source` (fields + status). */
export interface CaseRecord extends CaseFields {
  status: "open" | "solved";
  accepted_answer: string | null;
  solution_note: string | null;
  solved_at?: string | null;
}

export const CASE_TEXT_FIELDS = ["title", "presenting_complaint", "history", "examination", "investigations", "question"] as const;

const SECTION_TITLES: Record<(typeof CASE_TEXT_FIELDS)[number], string> = {
  title: "Title",
  presenting_complaint: "Presenting complaint",
  history: "History",
  examination: "Examination",
  investigations: "Investigations",
  question: "Question",
};

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/** Readable HTML of every section, so any ActivityPub software shows the case. */
export function caseHtml(record: CaseRecord, extraHtml = ""): string {
  const kindLabel = { help: "Asking for help", solved: "Solved case", teaching: "Teaching case" }[record.kind];
  const patient = [record.age_band, record.sex].filter(Boolean).join(", ");
  const parts = [
    `<p><strong>${escapeHtml(record.title)}</strong></p>`,
    `<p>${kindLabel}${record.status === "solved" ? " · solved" : ""}${patient ? ` · Patient: ${escapeHtml(patient)}` : ""}</p>`,
  ];
  for (const field of CASE_TEXT_FIELDS.slice(1)) {
    if (record[field]) parts.push(`<p><strong>${SECTION_TITLES[field]}</strong></p>${paragraphs(record[field])}`);
  }
  if (record.specialties.length > 0) {
    parts.push(`<p>Specialties: ${record.specialties.map((c) => escapeHtml(findSpecialty(c)?.label ?? c)).join(", ")}</p>`);
  }
  if (record.solution_note) parts.push(`<p><strong>How it was solved</strong></p>${paragraphs(record.solution_note)}`);
  return parts.join("") + extraHtml;
}

/** What a receiver accepts from `source`: the same schema, plus status. */
export const caseRecordSchema = caseSchema.extend({
  status: z.enum(["open", "solved"]).default("open"),
  accepted_answer: z.string().nullable().optional().default(null),
  solution_note: z.string().max(5000).nullable().optional().default(null),
  solved_at: z.iso.datetime().nullable().optional().default(null),
});

export function plainCaseText(record: CaseRecord): string {
  return CASE_TEXT_FIELDS.map((f) => record[f])
    .filter(Boolean)
    .join("\n");
}
