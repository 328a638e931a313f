import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// Mastodon's API shapes (tests/fixtures/mastodon-schemas.json, copied from the
// unofficial OpenAPI description): every response a client parses must match.
const document = JSON.parse(readFileSync(new URL("../fixtures/mastodon-schemas.json", import.meta.url), "utf8"));
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
(addFormats as unknown as typeof addFormats.default)(ajv);
// Language codes are checked by the tests that set them; the format has no validator here.
ajv.addFormat("iso-639-1", /^[a-z]{2}$/);
ajv.addSchema(document, "mastodon");

/** The ways a value departs from one of Mastodon's schemas (empty when it matches). */
export function shapeErrors(schema: string, value: unknown): string[] {
  const validate = ajv.getSchema(`mastodon#/components/schemas/${schema}`);
  if (!validate) return [`no schema named ${schema}`];
  const ok = validate(value);
  return ok ? [] : (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
