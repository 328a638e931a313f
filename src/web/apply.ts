import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { ZodError } from "zod";
import { registrationSchema } from "../http/registration.ts";
import type { AppEnv } from "../http/env.ts";
import { readParams } from "../http/body.ts";
import { zodDetails } from "../http/errors.ts";
import { DomainError, type FieldErrors } from "../domain/errors.ts";
import { SPECIALTIES } from "../domain/specialties.ts";
import { errorList, page } from "../pages/layout.ts";
import { csrfToken, csrfValid } from "../pages/session.ts";

type Values = Record<string, string>;

function form(csrf: string, values: Values, errors: string[]) {
  const v = (k: string) => values[k] ?? "";
  return html`${errorList(errors)}
<p class="note">Your legal name, e-mail and licence number are seen only by this instance's verifiers and are stored encrypted. Other physicians see only your handle and display name, which must not contain your name.</p>
<form method="post" action="/apply">
<input type="hidden" name="csrf_token" value="${csrf}">
<label for="username">Handle (pseudonym)</label><input id="username" name="username" required maxlength="30" pattern="[A-Za-z0-9_]+" value="${v("username")}">
<label for="display_name">Display name (optional, pseudonymous)</label><input id="display_name" name="display_name" maxlength="30" value="${v("display_name")}">
<label for="email">E-mail</label><input id="email" name="email" type="email" required value="${v("email")}">
<label for="password">Password (at least 8 characters)</label><input id="password" name="password" type="password" required minlength="8" autocomplete="new-password">
<label for="legal_name">Legal name, as on the register</label><input id="legal_name" name="legal_name" required value="${v("legal_name")}">
<label for="license_number">Licence number</label><input id="license_number" name="license_number" required value="${v("license_number")}">
<label for="license_jurisdiction">Licence jurisdiction (e.g. GB, US-CA)</label><input id="license_jurisdiction" name="license_jurisdiction" required value="${v("license_jurisdiction")}">
<label for="specialty">Specialty</label>
<select id="specialty" name="specialty" required>
<option value="">Choose…</option>
${SPECIALTIES.map((s) => html`<option value="${s.code}"${s.code === v("specialty") ? html` selected` : ""}>${s.label}</option>`)}
</select>
<label for="reason">Anything the verifier should know (optional)</label><textarea id="reason" name="reason" maxlength="1000">${v("reason")}</textarea>
<label><input type="checkbox" name="agreement" value="1"${v("agreement") ? html` checked` : ""}> I agree to the rules of this network</label>
<button type="submit">Apply</button>
</form>`;
}

function messages(details: FieldErrors): string[] {
  return Object.entries(details).flatMap(([field, errs]) => errs.map((e) => `${field.replace(/_/g, " ")} ${e.description}`));
}

function closed(c: Context<AppEnv>) {
  return c.html(
    page(
      "Applications closed",
      c.get("services").instance.name,
      html`<p>This instance is not taking applications at the moment.</p><p>Already applied? <a href="/apply/status">See your application</a>.</p>`,
    ),
    403,
  );
}

/** The plain web application form, doing what POST /api/v1/accounts does. */
export const applyRouter = new Hono<AppEnv>()
  .get("/", (c) => {
    const { instance, settings } = c.get("services");
    if (!settings.current().registrationsOpen) return closed(c);
    return c.html(page("Apply to join", instance.name, form(csrfToken(c), {}, [])));
  })
  .post("/", async (c) => {
    const services = c.get("services");
    const params = await readParams(c);
    const values = Object.fromEntries(
      Object.entries(params).filter(([k, v]) => typeof v === "string" && k !== "password" && k !== "csrf_token"),
    ) as Values;
    const render = (errors: string[], status: 403 | 422) =>
      c.html(page("Apply to join", services.instance.name, form(csrfToken(c), values, errors)), status);
    if (!csrfValid(c, params["csrf_token"])) return render(["The form expired; please submit it again."], 403);
    if (!services.settings.current().registrationsOpen) return closed(c);
    try {
      const input = registrationSchema.parse(params);
      await services.accounts.apply({
        username: input.username,
        email: input.email,
        password: input.password,
        agreement: input.agreement,
        locale: input.locale,
        reason: input.reason,
        displayName: input.display_name,
        legalName: input.legal_name,
        licenseNumber: input.license_number,
        licenseJurisdiction: input.license_jurisdiction,
        specialty: input.specialty,
      });
    } catch (error) {
      if (error instanceof ZodError) return render(messages(zodDetails(error)), 422);
      if (error instanceof DomainError && error.kind === "unprocessable") {
        return render(messages((error.details ?? {}) as FieldErrors), 422);
      }
      throw error;
    }
    return c.html(
      page(
        "Application received",
        services.instance.name,
        html`<p>Thank you. Your application is <strong>pending</strong>: a verifier will check your licence against the register. You can sign in from any Mastodon app once it is approved.</p>
<p>If a verifier needs more from you, or decides, you will find it on <a href="/apply/status">your application page</a> (sign in there with the e-mail and password you just chose).</p>`,
      ),
    );
  });
