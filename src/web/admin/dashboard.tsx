import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { dashboardFigures } from "../../domain/staff/dashboard.ts";
import { csrfToken } from "../../pages/session.ts";
import { clearStaffCookie, staffOf } from "./auth.ts";
import { Age, consolePage, PostForm } from "./layout.tsx";

const Card = ({ label, value, href, detail }: { label: string; value: number; href?: string; detail?: unknown }) => (
  <div class="card">
    <div class="n">{href ? <a href={href}>{value}</a> : value}</div>
    <div>{label}</div>
    {detail ? <div class="muted">{detail}</div> : null}
  </div>
);

/** The first page: the queue and the week at a glance, and one's own sessions. */
export const dashboardRouter = new Hono<AppEnv>()
  .get("/", (c) => {
    const services = c.get("services");
    const me = staffOf(c);
    const f = dashboardFigures({ db: services.database.db, queue: services.reviewQueue, peers: services.peers });
    return consolePage(
      c,
      "Dashboard",
      "/admin",
      <>
        <div class="cards">
          <Card
            label="applications waiting"
            value={f.queue.waitingForVerifiers}
            href="/admin/applications"
            detail={
              f.queue.oldest ? (
                <>
                  oldest waiting <Age since={f.queue.oldest} />
                </>
              ) : (
                "none waiting"
              )
            }
          />
          <Card label="approvals this week" value={f.approvalsThisWeek} />
          <Card label="active peers" value={f.activePeers} href="/admin/peers" />
          <Card label="cases posted this week" value={f.casesThisWeek} />
          <Card label="credentials expiring within 7 days" value={f.credentialsExpiringSoon} href="/admin/accounts?status=approved" />
          <Card
            label="waiting for an applicant's answer"
            value={f.queue.waitingForApplicants}
            href="/admin/applications?waiting=applicant"
          />
        </div>
        <h2>Your sessions</h2>
        <p>
          You are signed in as @{me.username} ({me.role}); {services.staffSessions.count(me.id)} console session(s) open. Sessions end after
          30 minutes idle and 8 hours at most.
        </p>
        <PostForm action="/admin/sign_out_everywhere" csrf={csrfToken(c)} label="Sign out everywhere">
          <button type="submit" class="secondary">
            Sign out everywhere
          </button>
        </PostForm>
      </>,
    );
  })
  .post("/sign_out_everywhere", (c) => {
    const services = c.get("services");
    const me = staffOf(c);
    const ended = services.staffSessions.endAll(me.id);
    services.audit.record({ staffId: me.id, subjectId: me.id, action: "staff.sign_out", reason: `everywhere (${ended} sessions)` });
    clearStaffCookie(c);
    return c.redirect("/admin/sign_in", 303);
  });
