import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { QueueFilter } from "../../domain/accounts/queue.ts";
import type { RegisterMatchStatus } from "../../domain/registers/matching.ts";
import { findSpecialty } from "../../domain/specialties.ts";
import { Age, consolePage, MatchTag, FilterSelect, SPECIALTY_CHOICES } from "./layout.tsx";
import { Pager, pageOf } from "./paging.tsx";

const MATCHES: RegisterMatchStatus[] = ["exact", "partial", "inactive", "none"];

/**
 * The verification queue: pending applications, oldest first, with what a
 * verifier sorts by (specialty, jurisdiction, register match, time waiting)
 * and never the identity.
 */
export const applicationsRouter = new Hono<AppEnv>().get("/applications", (c) => {
  const services = c.get("services");
  const q = c.req.query();
  const filter: QueueFilter = {
    jurisdiction: q["jurisdiction"] || undefined,
    specialty: q["specialty"] || undefined,
    match: MATCHES.includes(q["match"] as RegisterMatchStatus) ? (q["match"] as RegisterMatchStatus) : undefined,
    waitingFor: q["waiting"] === "applicant" ? "applicant" : "verifiers",
  };
  const page = pageOf(c, 50);
  const { rows, total } = services.reviewQueue.pending(filter, page);
  const summary = services.reviewQueue.summary();
  const now = new Date();
  return consolePage(
    c,
    "Verification queue",
    "/admin/applications",
    <>
      <p>
        {summary.waitingForVerifiers} waiting for a verifier
        {summary.oldest && (
          <>
            {" "}
            (the oldest for <Age since={summary.oldest} now={now} />)
          </>
        )}
        ; <a href="/admin/applications?waiting=applicant">{summary.waitingForApplicants} waiting for the applicant's answer</a>.
      </p>
      <form method="get" action="/admin/applications" class="filters" aria-label="Filter the queue">
        <input type="hidden" name="waiting" value={filter.waitingFor === "applicant" ? "applicant" : ""} />
        <FilterSelect
          label="Jurisdiction"
          name="jurisdiction"
          options={services.reviewQueue.pendingJurisdictions()}
          selected={filter.jurisdiction}
        />
        <FilterSelect label="Specialty" name="specialty" options={SPECIALTY_CHOICES} selected={filter.specialty} />
        <FilterSelect label="Register match" name="match" options={MATCHES} selected={filter.match} />
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      {rows.length === 0 ? (
        <p>No applications {filter.waitingFor === "applicant" ? "are waiting for an applicant" : "match"}.</p>
      ) : (
        <table>
          <caption class="muted">
            {total} application{total === 1 ? "" : "s"}, oldest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Applicant (pseudonym)</th>
              <th scope="col">Specialty</th>
              <th scope="col">Jurisdiction</th>
              <th scope="col">Register match</th>
              <th scope="col">In the queue</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr>
                <td>
                  <a href={`/admin/applications/${a.id}`}>@{a.username}</a>
                </td>
                <td>{findSpecialty(a.specialty ?? "")?.label ?? a.specialty}</td>
                <td>{a.jurisdiction}</td>
                <td>
                  <MatchTag match={a.registerMatch} />
                </td>
                <td>
                  <Age since={a.createdAt} now={now} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager c={c} page={page} total={total} />
    </>,
  );
});
