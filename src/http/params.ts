import { z } from "zod";
import { boolish } from "./body.ts";

/**
 * Parameters read as Mastodon (Rails) reads them, in one place: ids may come
 * as numbers (`in_reply_to_id: 123`, `media_ids: [1]`) and booleans as
 * `true`, `"True"`, `1`, `"on"` (Mastodon.py, megalodon, HTML forms).
 */

const ID = /^\d{1,20}$/;

/** An id: a decimal string or a whole number. */
export const idParam = z
  .union([
    z.string().trim(),
    z
      .number()
      .int()
      .nonnegative()
      .transform((n) => String(n)),
  ])
  .pipe(z.string().regex(ID, "must be an id"));

/** Ids, as an array or a single value. */
export const idListParam = z.union([z.array(idParam), idParam.transform((id) => [id])]);

/** A boolean as any client sends it; absent or unrecognised stays undefined. */
export const flagParam = z.unknown().transform(boolish);

/** A whole number sent as a number or a string. */
export const intParam = z.coerce.number().int();
