import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { DomainError } from "../../domain/errors.ts";
import type { Settings } from "../../domain/settings.ts";
import { csrfToken } from "../../pages/session.ts";
import { flash, mayDo, staffOf } from "./auth.ts";
import { consolePage, PostForm } from "./layout.tsx";

const text = (value: unknown, max: number) => (typeof value === "string" ? value.trim().slice(0, max) : "");

function requireAdmin(c: Parameters<typeof staffOf>[0]) {
  const staff = staffOf(c);
  if (!mayDo(staff, "settings")) throw new DomainError("forbidden", "Settings are changed by administrators");
  return staff;
}

/** Name, description, contact, rules, registrations, the staff second factor: what /api/v1/instance shows. */
export const settingsConsoleRouter = new Hono<AppEnv>()
  .get("/settings", (c) => {
    const staff = requireAdmin(c);
    const services = c.get("services");
    const s = services.settings.current();
    const csrf = csrfToken(c);
    return consolePage(
      c,
      "Settings",
      "/admin/settings",
      <>
        <PostForm action="/admin/settings" csrf={csrf} label="Instance settings">
          <label for="name">Name</label>
          <input id="name" name="name" required maxlength={200} size={50} value={s.name} />
          <label for="description">Description</label>
          <textarea id="description" name="description" maxlength={2000}>
            {s.description}
          </textarea>
          <label for="contact_email">Contact address</label>
          <input id="contact_email" name="contact_email" type="email" required size={40} value={s.contactEmail} />
          <label>
            <input type="checkbox" name="registrations_open" value="1" checked={s.registrationsOpen} /> Applications are open
          </label>
          {mayDo(staff, "staff.admins") && (
            <label>
              <input type="checkbox" name="staff_second_factor_required" value="1" checked={s.staffSecondFactorRequired} /> Every staff
              member must use a second factor
            </label>
          )}
          <p>
            <button type="submit">Save</button>
          </p>
        </PostForm>
        <h2>Rules</h2>
        <p class="muted">Shown to applicants and to clients (the rules endpoint, and the terms of service).</p>
        <ol>
          {services.rules.list().map((r) => (
            <li>
              <PostForm action={`/admin/settings/rules/${r.id}`} csrf={csrf} label={`Rule ${r.id}`}>
                <label for={`rule-${r.id}`}>Rule</label>
                <input id={`rule-${r.id}`} name="text" required maxlength={1000} size={70} value={r.text} />
                <label for={`hint-${r.id}`}>Hint</label>
                <input id={`hint-${r.id}`} name="hint" maxlength={1000} size={70} value={r.hint} />{" "}
                <button type="submit" class="secondary">
                  Save rule
                </button>{" "}
                <button type="submit" name="delete" value="1" class="danger">
                  Remove
                </button>
              </PostForm>
            </li>
          ))}
        </ol>
        <PostForm action="/admin/settings/rules" csrf={csrf} label="Add a rule">
          <label for="new-rule">New rule</label>
          <input id="new-rule" name="text" required maxlength={1000} size={70} />
          <label for="new-hint">Hint (optional)</label>
          <input id="new-hint" name="hint" maxlength={1000} size={70} /> <button type="submit">Add rule</button>
        </PostForm>
      </>,
    );
  })
  .post("/settings", async (c) => {
    const staff = requireAdmin(c);
    const body = await c.req.parseBody();
    const change: Partial<Settings> = {
      name: text(body["name"], 300),
      description: text(body["description"], 3000),
      contactEmail: text(body["contact_email"], 320),
      registrationsOpen: body["registrations_open"] === "1",
      ...(mayDo(staff, "staff.admins") ? { staffSecondFactorRequired: body["staff_second_factor_required"] === "1" } : {}),
    };
    c.get("services").settings.update(staff.id, change);
    flash(c, "Settings saved.");
    return c.redirect("/admin/settings", 303);
  })
  .post("/settings/rules", async (c) => {
    const staff = requireAdmin(c);
    const body = await c.req.parseBody();
    const services = c.get("services");
    const rule = services.rules.add(text(body["text"], 1000), text(body["hint"], 1000));
    services.audit.record({ staffId: staff.id, subjectId: null, action: "rules.add", reason: rule.text.slice(0, 200) });
    flash(c, "Rule added.");
    return c.redirect("/admin/settings", 303);
  })
  .post("/settings/rules/:id{[0-9]+}", async (c) => {
    const staff = requireAdmin(c);
    const body = await c.req.parseBody();
    const services = c.get("services");
    const id = Number(c.req.param("id"));
    if (body["delete"] === "1") {
      services.rules.remove(id);
      services.audit.record({ staffId: staff.id, subjectId: null, action: "rules.remove", reason: String(id) });
      flash(c, "Rule removed.");
    } else {
      const rule = services.rules.update(id, { text: text(body["text"], 1000), hint: text(body["hint"], 1000) });
      services.audit.record({ staffId: staff.id, subjectId: null, action: "rules.update", reason: rule.text.slice(0, 200) });
      flash(c, "Rule saved.");
    }
    return c.redirect("/admin/settings", 303);
  });
