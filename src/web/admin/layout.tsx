import { SPECIALTIES } from "../../domain/specialties.ts";
import type { Context } from "hono";
import { raw } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { AppEnv } from "../../http/env.ts";
import type { AccountRow } from "../../domain/accounts/types.ts";
import { csrfToken } from "../../pages/session.ts";
import { mayDo, takeFlash } from "./auth.ts";
import type { StaffPower } from "../../domain/staff/powers.ts";

const STYLE = `
:root{--fg:#16191d;--muted:#4b5563;--line:#d4d8dd;--bg:#fff;--accent:#0b5cad;--ok:#0f6b3a;--warn:#8a4b00;--bad:#a11a1a}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:var(--bg);line-height:1.5}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f5b700;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}
header.top{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1.2rem;border-bottom:1px solid var(--line);background:#f4f6f8}
header.top strong{margin-right:1rem}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:0;padding:0}
nav a[aria-current=page]{font-weight:700;text-decoration:none;color:var(--fg)}
.who{margin-left:auto;display:flex;gap:.6rem;align-items:center;color:var(--muted)}
main{max-width:72rem;margin:0 auto;padding:1rem 1.2rem 3rem}
h1{font-size:1.5rem;margin:.6rem 0 1rem}
h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.8rem 0}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f4f6f8;font-weight:600}
label{display:block;font-weight:600;margin-top:.8rem}
input,select,textarea{font:inherit;padding:.4rem .5rem;border:1px solid #8a939c;border-radius:3px;max-width:100%}
textarea{width:100%;min-height:5rem}
button,.button{font:inherit;padding:.4rem 1rem;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:3px;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--bad);border-color:var(--bad)}
form.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end}
.filters label{margin:0}
.flash{padding:.6rem .8rem;border-radius:3px;margin:.5rem 0 1rem}
.flash.ok{background:#e6f4ea;border:1px solid #8fc9a3}
.flash.error{background:#fde8e8;border:1px solid #e0a0a0}
.tag{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:.85rem;border:1px solid currentColor}
.match-exact{color:var(--ok)}.match-partial,.match-inactive{color:var(--warn)}.match-none{color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}
.card{border:1px solid var(--line);border-radius:4px;padding:.8rem 1rem}
.card .n{font-size:1.8rem;font-weight:700}
.muted{color:var(--muted)}
.sealed{border:2px dashed var(--warn);padding:.8rem 1rem;border-radius:4px}
progress{width:100%;height:1.4rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
code.codes{display:block;white-space:pre;font-size:1.1rem;padding:.6rem;background:#f4f6f8}
`;

const SECTIONS: { path: string; label: string; power: StaffPower }[] = [
  { path: "/admin", label: "Dashboard", power: "review" },
  { path: "/admin/applications", label: "Verification queue", power: "review" },
  { path: "/admin/accounts", label: "Accounts", power: "review" },
  { path: "/admin/reports", label: "Reports", power: "reports" },
  { path: "/admin/registers", label: "Register imports", power: "registers" },
  { path: "/admin/peers", label: "Peers", power: "peers" },
  { path: "/admin/audit", label: "Audit log", power: "audit" },
  { path: "/admin/settings", label: "Settings", power: "settings" },
];

/** The specialties as filter choices (code, label). */
export const SPECIALTY_CHOICES = SPECIALTIES.map((s) => ({ value: s.code, label: s.label }));

/** A filter of a console list: a labelled select whose first choice is "Any". */
export const FilterSelect: FC<{
  label: string;
  name: string;
  options: readonly (string | { value: string; label: string })[];
  selected: string | undefined;
}> = ({ label, name, options, selected }) => (
  <label>
    {label}
    <br />
    <select name={name}>
      <option value="">Any</option>
      {options.map((o) => {
        const { value, label: text } = typeof o === "string" ? { value: o, label: o } : o;
        return (
          <option value={value} selected={value === selected}>
            {text}
          </option>
        );
      })}
    </select>
  </label>
);

/** The CSRF field every console form carries. */
export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="csrf_token" value={token} />;

/** A form that posts (with its CSRF token) to a console path. */
export const PostForm: FC<PropsWithChildren<{ action: string; csrf: string; inline?: boolean; label?: string }>> = ({
  action,
  csrf,
  inline,
  label,
  children,
}) => (
  <form method="post" action={action} class={inline ? "inline" : undefined} aria-label={label}>
    <Csrf token={csrf} />
    {children}
  </form>
);

export const Age: FC<{ since: Date; now?: Date }> = ({ since, now = new Date() }) => {
  const minutes = Math.max(0, Math.round((now.getTime() - since.getTime()) / 60_000));
  const text = minutes < 60 ? `${minutes} min` : minutes < 48 * 60 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return <time datetime={since.toISOString()}>{text}</time>;
};

export const MatchTag: FC<{ match: string | null }> = ({ match }) => <span class={`tag match-${match ?? "none"}`}>{match ?? "none"}</span>;

interface ShellProps {
  readonly title: string;
  readonly instanceName: string;
  readonly staff?: AccountRow;
  readonly current?: string;
  readonly csrf?: string;
  readonly flash?: { kind: "ok" | "error"; message: string } | null;
}

const Shell: FC<PropsWithChildren<ShellProps>> = ({ title, instanceName, staff, current, csrf, flash, children }) => (
  <>
    {raw("<!doctype html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · ${instanceName} staff`}</title>
        <style>{raw(STYLE)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <strong>{instanceName} · staff</strong>
          {staff && (
            <nav aria-label="Console">
              <ul>
                {SECTIONS.filter((s) => mayDo(staff, s.power)).map((s) => (
                  <li>
                    <a href={s.path} aria-current={current === s.path ? "page" : undefined}>
                      {s.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {staff && csrf && (
            <div class="who">
              <span>
                @{staff.username} ({staff.role})
              </span>
              <PostForm action="/admin/sign_out" csrf={csrf} inline label="Sign out">
                <button type="submit" class="secondary">
                  Sign out
                </button>
              </PostForm>
            </div>
          )}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {flash && (
            <div class={`flash ${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
              {flash.message}
            </div>
          )}
          {children}
        </main>
      </body>
    </html>
  </>
);

/** Renders a console page for the signed-in staff member (with the message left by the last action). */
export function consolePage(c: Context<AppEnv>, title: string, current: string, body: Child, status: 200 | 403 | 404 | 422 | 429 = 200) {
  const staff = c.get("staff")?.account;
  return c.html(
    <Shell
      title={title}
      instanceName={c.get("services").instance.name}
      staff={staff}
      current={current}
      csrf={csrfToken(c)}
      flash={takeFlash(c)}
    >
      {body}
    </Shell>,
    status,
  );
}

/** A page outside the signed-in console (sign-in, second factor, refusals). */
export function publicPage(c: Context<AppEnv>, title: string, body: Child, status: 200 | 401 | 403 | 422 | 429 = 200) {
  return c.html(
    <Shell title={title} instanceName={c.get("services").instance.name} flash={takeFlash(c)}>
      {body}
    </Shell>,
    status,
  );
}
