import { z } from "zod";
import { flagParam } from "./params.ts";

const text = (max: number) => z.string().trim().max(max);

/** What an applicant sends, by the API (POST /api/v1/accounts) or the application page: one schema for both. */
export const registrationSchema = z.object({
  username: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank"),
  email: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(320),
  password: z.string({ error: "can't be blank" }).min(1, "can't be blank").max(1024),
  agreement: flagParam.transform((v) => v ?? false),
  locale: z.string().trim().max(16).optional(),
  reason: text(1000).optional(),
  display_name: text(100).optional(),
  legal_name: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(300),
  license_number: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(64),
  license_jurisdiction: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(16),
  specialty: z.string({ error: "can't be blank" }).trim().min(1, "can't be blank").max(64),
});

export type RegistrationParams = z.output<typeof registrationSchema>;
