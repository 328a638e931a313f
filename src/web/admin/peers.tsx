import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { DomainError } from "../../domain/errors.ts";
import { peerActivity } from "../../domain/peers/activity.ts";
import { peerState } from "../../domain/peers/service.ts";
import { csrfToken } from "../../pages/session.ts";
import { flash, mayDo, staffOf } from "./auth.ts";
import { consolePage, PostForm } from "./layout.tsx";

const text = (value: unknown, max: number) => (typeof value === "string" ? value.trim().slice(0, max) : "");

/** The instances this one federates with: state, since when, what has come from each; add, approve, reject, end. */
export const peersConsoleRouter = new Hono<AppEnv>()
  .use("/peers/*", async (c, next) => {
    if (!mayDo(staffOf(c), "peers")) throw new DomainError("forbidden", "Peers are managed by administrators");
    await next();
  })
  .use("/peers", async (c, next) => {
    if (!mayDo(staffOf(c), "peers")) throw new DomainError("forbidden", "Peers are managed by administrators");
    await next();
  })
  .get("/peers", (c) => {
    const services = c.get("services");
    const csrf = csrfToken(c);
    const activity = peerActivity(services.database.db);
    const lanes = new Map(services.queueStatus.lanes().map((l) => [l.origin, l]));
    return consolePage(
      c,
      "Peers",
      "/admin/peers",
      <>
        <table>
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">State</th>
              <th scope="col">Since</th>
              <th scope="col">Physicians known</th>
              <th scope="col">Posts (this week)</th>
              <th scope="col">Deliveries waiting</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {services.peers.list().map((p) => {
              const state = peerState(p);
              const a = activity.get(p.origin);
              return (
                <tr>
                  <td>{p.origin}</td>
                  <td>{state.replace("_", " ")}</td>
                  <td>{p.updatedAt.toISOString().slice(0, 10)}</td>
                  <td>{a?.physicians ?? 0}</td>
                  <td>
                    {a?.posts ?? 0} ({a?.postsThisWeek ?? 0})
                  </td>
                  <td>{lanes.get(p.origin)?.queued ?? 0}</td>
                  <td>
                    {state === "pending_approval" && (
                      <>
                        <PostForm action="/admin/peers/approve" csrf={csrf} inline label={`Approve ${p.origin}`}>
                          <input type="hidden" name="origin" value={p.origin} />
                          <button type="submit">Approve</button>
                        </PostForm>{" "}
                      </>
                    )}
                    {(state === "pending_approval" || state === "requested") && (
                      <PostForm action="/admin/peers/reject" csrf={csrf} inline label={`Reject ${p.origin}`}>
                        <input type="hidden" name="origin" value={p.origin} />
                        <input name="reason" aria-label="Reason" placeholder="Reason" required maxlength={200} />{" "}
                        <button type="submit" class="danger">
                          Reject
                        </button>
                      </PostForm>
                    )}
                    {state === "active" && (
                      <PostForm action="/admin/peers/end" csrf={csrf} inline label={`End ${p.origin}`}>
                        <input type="hidden" name="origin" value={p.origin} />
                        <input name="reason" aria-label="Reason" placeholder="Reason" required maxlength={200} />{" "}
                        <button type="submit" class="danger">
                          End peering
                        </button>
                      </PostForm>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <h2>Add a peer</h2>
        <PostForm action="/admin/peers" csrf={csrf} label="Add a peer">
          <label for="origin">Instance address (https://…)</label>
          <input id="origin" name="origin" required size={50} placeholder="https://consilium.example.org" />{" "}
          <button type="submit">Ask to peer</button>
        </PostForm>
      </>,
    );
  })
  .post("/peers", async (c) => {
    const services = c.get("services");
    const origin = text((await c.req.parseBody())["origin"], 300);
    const peer = await services.peers.add(origin);
    services.audit.record({ staffId: staffOf(c).id, subjectId: null, action: "peer.add", reason: peer.origin });
    flash(c, `Asked ${peer.origin} to peer; it becomes active once they approve.`);
    return c.redirect("/admin/peers", 303);
  })
  .post("/peers/:decision{approve|reject|end}", async (c) => {
    const services = c.get("services");
    const body = await c.req.parseBody();
    const decision = c.req.param("decision") as "approve" | "reject" | "end";
    const reason = text(body["reason"], 200);
    if (decision !== "approve" && !reason) throw new DomainError("unprocessable", "Give a reason");
    const peer = await services.peers[decision](text(body["origin"], 300));
    services.audit.record({
      staffId: staffOf(c).id,
      subjectId: null,
      action: `peer.${decision}`,
      reason: reason ? `${peer.origin}: ${reason}` : peer.origin,
    });
    flash(c, `${peer.origin}: ${decision === "approve" ? "approved" : decision === "reject" ? "rejected" : "peering ended"}.`);
    return c.redirect("/admin/peers", 303);
  });
