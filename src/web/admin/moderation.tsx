import { type Context, Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { AccountRow } from "../../domain/accounts/types.ts";
import type { RemoteActorRow } from "../../domain/directory/service.ts";
import { DomainError } from "../../domain/errors.ts";
import { ACCOUNT_ACTIONS, type AccountAction, type UndoAction } from "../../domain/moderation/actions.ts";
import { csrfToken } from "../../pages/session.ts";
import { flash, mayDo, staffOf } from "./auth.ts";
import { consolePage, PostForm } from "./layout.tsx";

const text = (value: unknown, max = 2000) => (typeof value === "string" ? value.trim().slice(0, max) : "");

const ACTION_LABEL: Record<AccountAction, string> = {
  none: "Warn (no restriction)",
  sensitive: "Mark their media sensitive",
  disable: "Disable sign-in",
  silence: "Limit (followers only)",
  suspend: "Suspend (credential withdrawn)",
};

/** Decide about an account: the action and the reason the physician reads (optionally answering a report). */
export const ActionForm = ({
  accountId,
  csrf,
  remote,
  reportId,
}: {
  accountId: string;
  csrf: string;
  remote: boolean;
  reportId?: string;
}) => (
  <PostForm action={`/admin/moderation/${accountId}/act`} csrf={csrf} label="Take action">
    {reportId && <input type="hidden" name="report_id" value={reportId} />}
    <label for={`type-${accountId}`}>Action</label>
    <select id={`type-${accountId}`} name="type">
      {ACCOUNT_ACTIONS.filter((a) => !remote || a === "none" || a === "silence" || a === "suspend").map((a) => (
        <option value={a}>{remote && a !== "none" ? `${ACTION_LABEL[a]} on this instance` : ACTION_LABEL[a]}</option>
      ))}
    </select>
    <label for={`text-${accountId}`}>{remote ? "Reason (for the audit log)" : "Reason the physician reads (they may appeal once)"}</label>
    <textarea id={`text-${accountId}`} name="text" required maxlength={2000}></textarea>
    <button type="submit" class="danger">
      Apply
    </button>
  </PostForm>
);

/** The moderation part of a local physician's page: standing restrictions, decisions and appeals, erasure. */
export const LocalModeration = ({ c, account }: { c: Context<AppEnv>; account: AccountRow }) => {
  const services = c.get("services");
  const csrf = csrfToken(c);
  const me = staffOf(c);
  const standing: [string, UndoAction][] = [
    ...(account.silenced ? ([["Limited", "unsilence"]] as [string, UndoAction][]) : []),
    ...(account.sensitized ? ([["Media marked sensitive", "unsensitive"]] as [string, UndoAction][]) : []),
    ...(account.disabled ? ([["Sign-in disabled", "enable"]] as [string, UndoAction][]) : []),
  ];
  const warnings = services.moderation.warnings(account.id);
  return (
    <section aria-labelledby="moderation">
      <h2 id="moderation">Moderation</h2>
      {standing.length > 0 && (
        <ul>
          {standing.map(([label, undo]) => (
            <li>
              {label}{" "}
              <PostForm action={`/admin/moderation/${account.id}/${undo}`} csrf={csrf} inline label={`Undo: ${label}`}>
                <button type="submit" class="secondary">
                  Lift
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
      )}
      {account.status === "approved" && <ActionForm accountId={account.id} csrf={csrf} remote={false} />}
      {warnings.length > 0 && (
        <>
          <h3>Decisions and appeals</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Decision</th>
                <th scope="col">Reason</th>
                <th scope="col">Appeal</th>
              </tr>
            </thead>
            <tbody>
              {warnings.map((w) => (
                <tr>
                  <td>{w.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                  <td>{w.action}</td>
                  <td>{w.text}</td>
                  <td>
                    {w.appealedAt ? (
                      <>
                        “{w.appealText}” ({w.appealState})
                        {w.appealState === "pending" && (
                          <>
                            {" "}
                            <PostForm action={`/admin/appeals/${w.id}/approve`} csrf={csrf} inline label="Approve the appeal">
                              <button type="submit">Approve (lift)</button>
                            </PostForm>{" "}
                            <PostForm action={`/admin/appeals/${w.id}/reject`} csrf={csrf} inline label="Reject the appeal">
                              <button type="submit" class="secondary">
                                Reject
                              </button>
                            </PostForm>
                          </>
                        )}
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {mayDo(me, "erase") && !account.deletedAt && (
        <>
          <h3>Erasure</h3>
          <PostForm action={`/admin/moderation/${account.id}/erase`} csrf={csrf} label="Erase the account">
            <label for="erase-reason">
              An erasure request this carries out (the physician cannot sign in to do it themselves). Everything goes, here and on every
              peer.
            </label>
            <input id="erase-reason" name="reason" required maxlength={1000} size={60} />{" "}
            <button type="submit" class="danger">
              Erase the account
            </button>
          </PostForm>
        </>
      )}
    </section>
  );
};

/** A peer's physician, as this instance holds and moderates them. */
function remotePage(c: Context<AppEnv>, remote: RemoteActorRow) {
  const csrf = csrfToken(c);
  return consolePage(
    c,
    `Account @${remote.username}@${remote.host}`,
    "/admin/reports",
    <>
      <dl class="facts">
        <dt>Actor</dt>
        <dd>{remote.uri}</dd>
        <dt>Credential</dt>
        <dd>{remote.credentialStatus}</dd>
        <dt>Here</dt>
        <dd>{remote.suspended ? "suspended on this instance" : remote.silenced ? "limited on this instance" : "no restriction"}</dd>
      </dl>
      {remote.silenced && (
        <PostForm action={`/admin/moderation/${remote.id}/unsilence`} csrf={csrf} label="Lift the limit">
          <button type="submit" class="secondary">
            Lift the limit
          </button>
        </PostForm>
      )}
      {remote.suspended && (
        <PostForm action={`/admin/moderation/${remote.id}/unsuspend`} csrf={csrf} label="Lift the suspension">
          <button type="submit" class="secondary">
            Lift the suspension (their posts come back only as they post again)
          </button>
        </PostForm>
      )}
      <ActionForm accountId={remote.id} csrf={csrf} remote />
    </>,
  );
}

/** Moderation forms of the console (account actions, appeals, erasure) and the pages of peers' physicians. */
export const moderationConsoleRouter = new Hono<AppEnv>()
  .get("/remote/:id{[0-9]+}", (c) => {
    const remote = c.get("services").directory.findRemoteById(c.req.param("id"));
    if (!remote) throw new DomainError("not_found", "There is no such account");
    return remotePage(c, remote);
  })
  .post("/moderation/:id{[0-9]+}/act", async (c) => {
    const body = await c.req.parseBody();
    const id = c.req.param("id");
    const services = c.get("services");
    await services.moderation.act(staffOf(c).id, id, {
      type: String(body["type"]) as AccountAction,
      text: text(body["text"]),
      reportId: text(body["report_id"], 30) || null,
    });
    flash(c, "Done; it is in the audit log.");
    const reportId = text(body["report_id"], 30);
    return c.redirect(
      reportId ? `/admin/reports/${reportId}` : services.accounts.get(id) ? `/admin/accounts/${id}` : `/admin/remote/${id}`,
      303,
    );
  })
  .post("/moderation/:id{[0-9]+}/:undo{unsilence|unsensitive|enable|unsuspend}", async (c) => {
    const id = c.req.param("id");
    const services = c.get("services");
    await services.moderation.undo(staffOf(c).id, id, c.req.param("undo") as UndoAction);
    flash(c, "Lifted.");
    return c.redirect(services.accounts.get(id) ? `/admin/accounts/${id}` : `/admin/remote/${id}`, 303);
  })
  .post("/moderation/:id{[0-9]+}/erase", async (c) => {
    if (!mayDo(staffOf(c), "erase")) throw new DomainError("forbidden", "Erasure is carried out by administrators");
    const body = await c.req.parseBody();
    await c.get("services").erasure.eraseByStaff(staffOf(c).id, c.req.param("id"), text(body["reason"], 1000));
    flash(c, "The account is erased here, and every peer has been told.");
    return c.redirect(`/admin/accounts/${c.req.param("id")}`, 303);
  })
  .post("/appeals/:id{[0-9]+}/:decision{approve|reject}", async (c) => {
    const warning = await c
      .get("services")
      .moderation.decideAppeal(staffOf(c).id, c.req.param("id"), c.req.param("decision") === "approve");
    flash(c, warning.appealState === "approved" ? "Appeal approved; the decision is lifted." : "Appeal rejected.");
    return c.redirect(`/admin/accounts/${warning.accountId}`, 303);
  });
