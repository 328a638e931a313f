import { type Context, Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { AccountRow, AccountStatus } from "../../domain/accounts/types.ts";
import { DomainError } from "../../domain/errors.ts";
import type { Identity } from "../../domain/identity/vault.ts";
import { findSpecialty } from "../../domain/specialties.ts";
import { flash, isStaffRole, mayDo, staffOf, type StaffRole } from "./auth.ts";
import type { StaffPower } from "../../domain/staff/powers.ts";
import { Age, consolePage, MatchTag, PostForm, FilterSelect, SPECIALTY_CHOICES } from "./layout.tsx";
import { Pager, pageOf } from "./paging.tsx";
import { LocalModeration } from "./moderation.tsx";
import { csrfToken } from "../../pages/session.ts";

const STATUSES: AccountStatus[] = ["pending", "approved", "rejected", "suspended"];

function handleOf(c: Context<AppEnv>, id: string | null): string {
  if (!id) return "—";
  const account = c.get("services").accounts.get(id);
  return account ? `@${account.username}` : id;
}

const Facts = ({ c, account }: { c: Context<AppEnv>; account: AccountRow }) => {
  const services = c.get("services");
  const staff = isStaffRole(account.role);
  return (
    <dl class="facts">
      <dt>Pseudonym</dt>
      <dd>@{account.username}</dd>
      <dt>Role</dt>
      <dd>{account.role}</dd>
      <dt>Status</dt>
      <dd>
        {account.status}
        {account.awaiting === "applicant" && " (waiting for the applicant's answer)"}
      </dd>
      {!staff && (
        <>
          <dt>Specialty</dt>
          <dd>{findSpecialty(account.specialty ?? "")?.label ?? account.specialty}</dd>
          <dt>Jurisdiction</dt>
          <dd>{account.jurisdiction}</dd>
          <dt>Register match</dt>
          <dd>
            <MatchTag match={account.registerMatch} />
          </dd>
          <dt>Credential</dt>
          <dd>
            {account.credential && account.credentialExpiresAt
              ? `valid until ${account.credentialExpiresAt.toISOString().slice(0, 10)}`
              : "none"}
          </dd>
        </>
      )}
      <dt>{staff ? "Created" : "Applied"}</dt>
      <dd>
        {account.createdAt.toISOString().slice(0, 16).replace("T", " ")} (<Age since={account.createdAt} /> ago)
      </dd>
      {account.approvedAt && (
        <>
          <dt>Approved</dt>
          <dd>{account.approvedAt.toISOString().slice(0, 16).replace("T", " ")}</dd>
        </>
      )}
      {staff && (
        <>
          <dt>Second factor</dt>
          <dd>{services.secondFactors.enabled(account.id) ? "set up" : "not set up"}</dd>
        </>
      )}
    </dl>
  );
};

/** The sealed identity: a reason first (audited), then what the applicant declared and what the register says. */
const SealedIdentity = ({ c, account, identity, csrf }: { c: Context<AppEnv>; account: AccountRow; identity?: Identity; csrf: string }) => {
  if (!identity) {
    return (
      <section class="sealed" aria-labelledby="sealed-heading">
        <h2 id="sealed-heading">Identity (sealed)</h2>
        <p>The legal name, e-mail and licence are sealed. Opening them is recorded in the audit log with your reason.</p>
        <PostForm action={`/admin/accounts/${account.id}/identity`} csrf={csrf} label="Open the identity">
          <label for="reason">Why are you opening it?</label>
          <input
            id="reason"
            name="reason"
            required
            minlength={4}
            maxlength={200}
            size={60}
            placeholder="e.g. licence check for the application"
          />{" "}
          <button type="submit">Open the identity</button>
        </PostForm>
      </section>
    );
  }
  const entry = identity.registerMatch.entry;
  return (
    <section class="sealed" aria-labelledby="identity-heading">
      <h2 id="identity-heading">Identity (opened; this reading is in the audit log)</h2>
      <dl class="facts">
        <dt>Legal name</dt>
        <dd id="legal-name">{identity.legalName}</dd>
        <dt>E-mail</dt>
        <dd>{identity.email}</dd>
        <dt>Licence</dt>
        <dd>
          {identity.licenseNumber} ({identity.licenseJurisdiction})
        </dd>
        <dt>Licence expiry recorded</dt>
        <dd>{identity.licenseExpiresAt ?? "none"}</dd>
      </dl>
      <h3>Register</h3>
      {entry ? (
        <dl class="facts">
          <dt>Match</dt>
          <dd>
            <MatchTag match={identity.registerMatch.status} /> on {identity.registerMatch.matchedOn.join(" and ")}, checked{" "}
            {identity.registerMatch.checkedAt.slice(0, 10)}
          </dd>
          <dt>Register</dt>
          <dd>{entry.source === "gmc-lrmp" ? "GMC List of Registered Medical Practitioners" : "NPPES (NPI registry)"}</dd>
          <dt>Reference</dt>
          <dd>{entry.reference}</dd>
          <dt>Name on the register</dt>
          <dd>{entry.name}</dd>
          <dt>Registration status</dt>
          <dd>{entry.registrationStatus}</dd>
          <dt>Register specialty</dt>
          <dd>{entry.specialty ?? "—"}</dd>
        </dl>
      ) : (
        <p>No register entry matched the licence or the name.</p>
      )}
      <h3>Review history</h3>
      <ol>
        {identity.reviewHistory.map((e) => (
          <li>
            {e.at.slice(0, 16).replace("T", " ")}: {e.action} by {e.staffId ? handleOf(c, e.staffId) : "the applicant"}
            {e.note && <> — “{e.note}”</>}
          </li>
        ))}
      </ol>
    </section>
  );
};

const Decisions = ({ c, account, csrf }: { c: Context<AppEnv>; account: AccountRow; csrf: string }) => {
  const me = staffOf(c);
  const base = `/admin/accounts/${account.id}`;
  if (isStaffRole(account.role)) {
    const mayReset = account.id !== me.id && mayDo(me, account.role === "verifier" ? "staff.verifiers" : "staff.admins");
    return mayReset && c.get("services").secondFactors.enabled(account.id) ? (
      <section>
        <h2>Second factor</h2>
        <PostForm action={`${base}/reset_second_factor`} csrf={csrf} label="Reset the second factor">
          <label for="reset-reason">Reason</label>
          <input id="reset-reason" name="reason" required maxlength={200} size={60} />{" "}
          <button type="submit" class="danger">
            Reset second factor and sign them out
          </button>
        </PostForm>
      </section>
    ) : null;
  }
  switch (account.status) {
    case "pending":
      return (
        <section aria-labelledby="decide">
          <h2 id="decide">Decision</h2>
          <PostForm action={`${base}/approve`} csrf={csrf} label="Approve">
            <label for="approve-note">Note for the record (optional)</label>
            <input id="approve-note" name="note" maxlength={1000} size={60} /> <button type="submit">Approve</button>
          </PostForm>
          <PostForm action={`${base}/request_info`} csrf={csrf} label="Ask for more information">
            <label for="info-message">Ask the applicant for more information (they see this on their application page)</label>
            <textarea id="info-message" name="message" required maxlength={1000}></textarea>
            <button type="submit" class="secondary">
              Ask for information
            </button>
          </PostForm>
          <PostForm action={`${base}/reject`} csrf={csrf} label="Reject">
            <label for="reject-reason">Reason for rejecting (the applicant sees it)</label>
            <textarea id="reject-reason" name="reason" required maxlength={1000}></textarea>
            <button type="submit" class="danger">
              Reject
            </button>
          </PostForm>
        </section>
      );
    case "approved":
      return (
        <section aria-labelledby="manage">
          <h2 id="manage">Manage</h2>
          <PostForm action={`${base}/licence`} csrf={csrf} label="Record the licence expiry">
            <label for="expires">Licence valid until (the credential stops then)</label>
            <input id="expires" name="expires_at" type="date" />{" "}
            <button type="submit" class="secondary">
              Record expiry
            </button>
          </PostForm>
          <PostForm action={`${base}/reverify`} csrf={csrf} label="Re-verify">
            <label for="reverify-reason">Re-verify: back to the queue, credential withdrawn until approved again. Reason</label>
            <input id="reverify-reason" name="reason" required maxlength={1000} size={60} />{" "}
            <button type="submit" class="secondary">
              Re-verify
            </button>
          </PostForm>
          <PostForm action={`${base}/suspend`} csrf={csrf} label="Suspend">
            <label for="suspend-reason">Suspend (credential withdrawn, peers told). Reason</label>
            <input id="suspend-reason" name="reason" required maxlength={1000} size={60} />{" "}
            <button type="submit" class="danger">
              Suspend
            </button>
          </PostForm>
        </section>
      );
    case "suspended":
      return (
        <PostForm action={`${base}/unsuspend`} csrf={csrf} label="Unsuspend">
          <label for="unsuspend-reason">Reason</label>
          <input id="unsuspend-reason" name="reason" maxlength={1000} size={60} /> <button type="submit">Unsuspend</button>
        </PostForm>
      );
    case "rejected":
      return (
        <PostForm action={`${base}/approve`} csrf={csrf} label="Approve after all">
          <label for="approve-note">Approve after all. Note</label>
          <input id="approve-note" name="note" maxlength={1000} size={60} /> <button type="submit">Approve</button>
        </PostForm>
      );
  }
};

function accountView(c: Context<AppEnv>, account: AccountRow, identity?: Identity) {
  const csrf = csrfToken(c);
  const current = account.status === "pending" ? "/admin/applications" : "/admin/accounts";
  // An opened identity is never cached anywhere.
  if (identity) c.header("Cache-Control", "no-store");
  return consolePage(
    c,
    account.status === "pending" ? `Application @${account.username}` : `Account @${account.username}`,
    current,
    <>
      <Facts c={c} account={account} />
      {!isStaffRole(account.role) && <SealedIdentity c={c} account={account} identity={identity} csrf={csrf} />}
      <Decisions c={c} account={account} csrf={csrf} />
      {!isStaffRole(account.role) && account.status !== "pending" && <LocalModeration c={c} account={account} />}
    </>,
  );
}

function requireAccount(c: Context<AppEnv>): AccountRow {
  const account = c.get("services").accounts.get(c.req.param("id") ?? "");
  if (!account) throw new DomainError("not_found", "There is no such account");
  return account;
}

const text = (value: unknown, max = 1000) => (typeof value === "string" ? value.trim().slice(0, max) : "");

type Action = (
  c: Context<AppEnv>,
  staff: AccountRow,
  account: AccountRow,
  body: Record<string, unknown>,
) => Promise<{ message: string; to?: string }>;

/** Every decision a verifier takes on an account, through the same domain services as the admin API. */
const ACTIONS: Record<string, { power: StaffPower; run: Action }> = {
  approve: {
    power: "review",
    run: async (c, staff, account, body) => {
      const services = c.get("services");
      await services.credentialLifecycle.sync(services.review.approve(staff.id, account.id, text(body["note"]) || undefined), {
        announce: false,
      });
      return { message: `@${account.username} approved.`, to: "/admin/applications" };
    },
  },
  reject: {
    power: "review",
    run: async (c, staff, account, body) => {
      const reason = text(body["reason"]);
      if (!reason) throw new DomainError("unprocessable", "Give the reason the applicant will see");
      const services = c.get("services");
      await services.credentialLifecycle.sync(services.review.reject(staff.id, account.id, reason));
      return { message: `@${account.username} rejected.`, to: "/admin/applications" };
    },
  },
  request_info: {
    power: "review",
    run: async (c, staff, account, body) => {
      c.get("services").review.requestInformation(staff.id, account.id, text(body["message"]));
      return { message: `@${account.username} was asked for more information.`, to: "/admin/applications" };
    },
  },
  suspend: {
    power: "moderate",
    run: async (c, staff, account, body) => {
      await c.get("services").moderation.act(staff.id, account.id, { type: "suspend", text: text(body["reason"]) || "suspended" });
      return { message: `@${account.username} suspended; the credential is withdrawn.` };
    },
  },
  unsuspend: {
    power: "moderate",
    run: async (c, staff, account, body) => {
      const services = c.get("services");
      await services.credentialLifecycle.sync(services.review.unsuspend(staff.id, account.id, text(body["reason"]) || undefined));
      return { message: `@${account.username} unsuspended.` };
    },
  },
  reverify: {
    power: "review",
    run: async (c, staff, account, body) => {
      const reason = text(body["reason"]);
      if (!reason) throw new DomainError("unprocessable", "Give a reason for re-verifying");
      const services = c.get("services");
      await services.credentialLifecycle.sync(services.review.reverify(staff.id, account.id, reason));
      return { message: `@${account.username} is back in the queue; the credential is withdrawn.` };
    },
  },
  licence: {
    power: "review",
    run: async (c, staff, account, body) => {
      const value = text(body["expires_at"], 10);
      if (value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new DomainError("unprocessable", "The expiry must be a date");
      const services = c.get("services");
      await services.credentialLifecycle.sync(services.review.setLicenceExpiry(staff.id, account.id, value || null));
      return { message: value ? `Licence expiry recorded: ${value}.` : "Licence expiry cleared." };
    },
  },
  reset_second_factor: {
    power: "staff.verifiers",
    run: async (c, staff, account, body) => {
      const services = c.get("services");
      if (!isStaffRole(account.role)) throw new DomainError("unprocessable", "Only staff have a second factor");
      if (account.id === staff.id)
        throw new DomainError("forbidden", "Ask another administrator (or use the CLI) to reset your own second factor");
      if (account.role !== "verifier" && !mayDo(staff, "staff.admins"))
        throw new DomainError("forbidden", "Only the owner resets an administrator's second factor");
      const reason = text(body["reason"], 200);
      if (!reason) throw new DomainError("unprocessable", "Give a reason");
      services.secondFactors.reset(staff.id, account.id, reason);
      services.staffSessions.endAll(account.id);
      return { message: `@${account.username}'s second factor is reset; they set it up again at their next sign-in.` };
    },
  },
};

/** The roles a staff member may add: verifiers with `staff.verifiers`, administrators with `staff.admins`. */
const rolesToAdd = (me: AccountRow): StaffRole[] => [
  ...(mayDo(me, "staff.verifiers") ? (["verifier"] as const) : []),
  ...(mayDo(me, "staff.admins") ? (["admin"] as const) : []),
];

export const accountsConsoleRouter = new Hono<AppEnv>()
  .get("/accounts", (c) => {
    const services = c.get("services");
    const me = staffOf(c);
    const q = c.req.query();
    const status = STATUSES.includes(q["status"] as AccountStatus) ? (q["status"] as AccountStatus) : undefined;
    const page = pageOf(c, 50);
    const { rows, total } = services.reviewQueue.search(
      { q: q["q"], status, specialty: q["specialty"] || undefined, staff: q["staff"] === "1" ? true : undefined },
      page,
    );
    const addable = rolesToAdd(me);
    return consolePage(
      c,
      "Accounts",
      "/admin/accounts",
      <>
        <form method="get" action="/admin/accounts" class="filters" aria-label="Search accounts">
          <label>
            Handle
            <br />
            <input name="q" value={q["q"] ?? ""} />
          </label>
          <FilterSelect label="Status" name="status" options={STATUSES} selected={status} />
          <FilterSelect label="Specialty" name="specialty" options={SPECIALTY_CHOICES} selected={q["specialty"]} />
          <label>
            <input type="checkbox" name="staff" value="1" checked={q["staff"] === "1"} /> Staff only
          </label>
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
        <table>
          <caption class="muted">{total} accounts</caption>
          <thead>
            <tr>
              <th scope="col">Pseudonym</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Specialty</th>
              <th scope="col">Jurisdiction</th>
              <th scope="col">Credential</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr>
                <td>
                  <a href={`/admin/accounts/${a.id}`}>@{a.username}</a>
                </td>
                <td>{a.role}</td>
                <td>{a.status}</td>
                <td>{findSpecialty(a.specialty ?? "")?.label ?? "—"}</td>
                <td>{a.jurisdiction ?? "—"}</td>
                <td>{a.credentialExpiresAt ? `until ${a.credentialExpiresAt.toISOString().slice(0, 10)}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager c={c} page={page} total={total} />
        {addable.length > 0 && (
          <section aria-labelledby="add-staff">
            <h2 id="add-staff">Add a staff member</h2>
            <PostForm action="/admin/accounts/staff" csrf={csrfToken(c)} label="Add a staff member">
              <label for="staff-username">Handle</label>
              <input id="staff-username" name="username" required pattern="[A-Za-z0-9_]{1,30}" />
              <label for="staff-email">E-mail</label>
              <input id="staff-email" name="email" type="email" required />
              <label for="staff-password">Temporary password (at least 8 characters; they sign in and set up their second factor)</label>
              <input id="staff-password" name="password" type="password" required minlength={8} autocomplete="new-password" />
              <label for="staff-role">Role</label>
              <select id="staff-role" name="role">
                {addable.map((r) => (
                  <option value={r}>{r}</option>
                ))}
              </select>
              <p>
                <button type="submit">Add</button>
              </p>
            </PostForm>
          </section>
        )}
      </>,
    );
  })
  .post("/accounts/staff", async (c) => {
    const services = c.get("services");
    const me = staffOf(c);
    const body = await c.req.parseBody();
    const role = String(body["role"] ?? "") as StaffRole;
    if (!rolesToAdd(me).includes(role)) throw new DomainError("forbidden", `You cannot add a ${role || "staff member"}`);
    const account = await services.accounts.createStaff({
      username: text(body["username"], 30),
      email: text(body["email"], 320),
      password: String(body["password"] ?? ""),
      role,
    });
    services.audit.record({ staffId: me.id, subjectId: account.id, action: "account.create_staff", reason: role });
    flash(c, `@${account.username} can now sign in as ${role}.`);
    return c.redirect(`/admin/accounts/${account.id}`, 303);
  })
  .get("/applications/:id{[0-9]+}", (c) => accountView(c, requireAccount(c)))
  .get("/accounts/:id{[0-9]+}", (c) => accountView(c, requireAccount(c)))
  .post("/accounts/:id{[0-9]+}/identity", async (c) => {
    const account = requireAccount(c);
    const reason = text((await c.req.parseBody())["reason"], 200);
    if (reason.length < 4) {
      flash(c, "Say why you are opening the identity.", "error");
      return c.redirect(`/admin/accounts/${account.id}`, 303);
    }
    const identity = c.get("services").review.readIdentity(staffOf(c).id, account.id, reason);
    return accountView(c, account, identity);
  })
  .post("/accounts/:id{[0-9]+}/:action{[a-z_]+}", async (c) => {
    const action = ACTIONS[c.req.param("action")];
    if (!action) throw new DomainError("not_found", "There is no such action");
    const staff = staffOf(c);
    if (!mayDo(staff, action.power)) throw new DomainError("forbidden", "Your role does not allow this");
    const account = requireAccount(c);
    const result = await action.run(c, staff, account, await c.req.parseBody());
    flash(c, result.message);
    return c.redirect(result.to ?? `/admin/accounts/${account.id}`, 303);
  });
