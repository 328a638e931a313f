import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { once } from "../../db/prepared.ts";
import { peers } from "../../db/schema.ts";
import { DomainError } from "../errors.ts";
import type { DomainEvents } from "../events.ts";
import type { FederationPort, InstanceActorInfo } from "../federation-port.ts";

export type PeerRow = typeof peers.$inferSelect;
export type PeerState = "requested" | "pending_approval" | "active" | "rejected" | "ended";

/** The state an admin sees, from the two directions of the handshake. */
export function peerState(peer: PeerRow): PeerState {
  if (peer.endedAt) return "ended";
  if (peer.outgoing === "rejected" || peer.incoming === "rejected") return "rejected";
  if (peer.outgoing === "accepted" && peer.incoming === "accepted") return "active";
  if (peer.incoming === "pending") return "pending_approval";
  return "requested";
}

/** Normalises what an admin types: "https://uk.example/" -> "https://uk.example". */
export function normaliseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `https://${value}`);
  } catch {
    throw new DomainError("unprocessable", `Validation failed: ${value} is not an origin such as https://consilium.example`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new DomainError("unprocessable", "Validation failed: a peer origin must be http(s)");
  }
  return url.origin;
}

/**
 * Limited federation.  A peering is active only when both instance actors
 * have accepted each other's Follow.  Active origins are cached because the
 * inbox gate asks on every request.
 */
export class PeerService {
  readonly #db: Db;
  readonly #ownOrigin: string;
  readonly #port: FederationPort;
  #active: Set<string> | null = null;
  #trusted: string[] | null = null;
  /** Origins an admin is adding right now: their instance actor is fetched before a row exists. */
  readonly #adding = new Set<string>();
  readonly #events: DomainEvents;

  constructor(db: Db, ownOrigin: string, port: FederationPort, events: DomainEvents) {
    this.#db = db;
    this.#ownOrigin = ownOrigin;
    this.#port = port;
    this.#events = events;
    // A peering changed by another process (a worker applying a peer's handshake, the CLI) reaches this one as an event.
    events.subscribe((event, from) => void (event.type === "peers.changed" && from === "elsewhere" && this.#forget()), {
      everyProcess: true,
    });
  }

  isActive(origin: string): boolean {
    if (!this.#active) {
      this.#active = new Set(
        this.list()
          .filter((p) => peerState(p) === "active")
          .map((p) => p.origin),
      );
    }
    return this.#active.has(origin);
  }

  activeOrigins(): string[] {
    this.isActive("");
    return [...this.#active!];
  }

  /**
   * Origins an admin has chosen to peer with (not rejected or ended): the
   * outgoing client lets these, and only these, live on private addresses.
   */
  trustedOrigins(): readonly string[] {
    this.#trusted ??= this.list()
      .filter((p) => !["rejected", "ended"].includes(peerState(p)))
      .map((p) => p.origin);
    return this.#adding.size === 0 ? this.#trusted : [...this.#trusted, ...this.#adding];
  }

  #forget(): void {
    this.#active = null;
    this.#trusted = null;
  }

  readonly #all = once(() => this.#db.select().from(peers).prepare());

  list(): PeerRow[] {
    return this.#all().all();
  }

  readonly #byOrigin = once(() =>
    this.#db
      .select()
      .from(peers)
      .where(eq(peers.origin, sql.placeholder("origin")))
      .prepare(),
  );

  get(origin: string): PeerRow | undefined {
    return this.#byOrigin().get({ origin });
  }

  #require(origin: string): PeerRow {
    const peer = this.get(normaliseOrigin(origin));
    if (!peer) throw new DomainError("not_found", "Record not found");
    return peer;
  }

  #save(origin: string, values: Partial<PeerRow>, now = new Date()): PeerRow {
    const existing = this.get(origin);
    const row = existing
      ? this.#db
          .update(peers)
          .set({ ...values, updatedAt: now })
          .where(eq(peers.origin, origin))
          .returning()
          .get()
      : this.#db
          .insert(peers)
          .values({ origin, createdAt: now, updatedAt: now, ...values })
          .returning()
          .get();
    this.#forget();
    this.#events.emit({ type: "peers.changed" });
    return row;
  }

  #withActor(values: Partial<PeerRow>, actor: InstanceActorInfo): Partial<PeerRow> {
    return {
      ...values,
      actorUri: actor.actorUri,
      followersUrl: actor.followersUrl,
      inboxUrl: actor.inboxUrl,
      sharedInboxUrl: actor.sharedInboxUrl,
    };
  }

  /** An admin asks to peer: our instance actor follows theirs. */
  async add(originInput: string): Promise<PeerRow> {
    const origin = normaliseOrigin(originInput);
    if (origin === this.#ownOrigin) throw new DomainError("unprocessable", "Validation failed: an instance cannot peer with itself");
    const existing = this.get(origin);
    if (existing && peerState(existing) === "active") return existing;
    let actor: InstanceActorInfo;
    this.#adding.add(origin);
    try {
      actor = await this.#port.resolveInstanceActor(origin);
    } catch (error) {
      throw new DomainError("unprocessable", `Could not reach the Consilium instance actor at ${origin}: ${(error as Error).message}`);
    } finally {
      this.#adding.delete(origin);
    }
    let peer = this.#save(
      origin,
      this.#withActor(
        { outgoing: "requested", endedAt: null, ...(existing?.incoming === "rejected" ? { incoming: "none" as const } : {}) },
        actor,
      ),
    );
    await this.#follow(peer);
    // They asked first: adding them is the approval of their request.
    if (peer.incoming === "pending") peer = await this.approve(origin);
    return this.get(origin) ?? peer;
  }

  async #follow(peer: PeerRow): Promise<void> {
    const followUri = await this.#port.peerFollow(peer);
    if (followUri) this.#save(peer.origin, { outgoingFollowUri: followUri });
  }

  /** An admin approves an incoming request; we ask for the other direction too. */
  async approve(originInput: string): Promise<PeerRow> {
    const peer = this.#require(originInput);
    if (peer.incoming !== "pending") throw new DomainError("unprocessable", `There is no pending request from ${peer.origin}`);
    const accepted = this.#save(peer.origin, { incoming: "accepted", endedAt: null });
    await this.#port.peerAccept(accepted);
    if (accepted.outgoing === "none" || accepted.outgoing === "rejected") {
      await this.#follow(this.#save(peer.origin, { outgoing: "requested" }));
    }
    return this.get(peer.origin)!;
  }

  async reject(originInput: string): Promise<PeerRow> {
    const peer = this.#require(originInput);
    if (peer.incoming !== "pending") throw new DomainError("unprocessable", `There is no pending request from ${peer.origin}`);
    const rejected = this.#save(peer.origin, { incoming: "rejected" });
    await this.#port.peerReject(rejected);
    return rejected;
  }

  /** Ends the peering both ways: nothing more is delivered or accepted. */
  async end(originInput: string): Promise<PeerRow> {
    const peer = this.#require(originInput);
    const ended = this.#save(peer.origin, { outgoing: "none", incoming: "none", endedAt: new Date() });
    await this.#port.peerUndo(peer);
    return ended;
  }

  // ---- what the other instance told us

  async receivedFollow(origin: string, actor: InstanceActorInfo, followUri: string): Promise<void> {
    const existing = this.get(origin);
    const weAsked = existing?.outgoing === "requested" || existing?.outgoing === "accepted";
    const peer = this.#save(
      origin,
      this.#withActor({ incoming: weAsked ? "accepted" : "pending", incomingFollowUri: followUri, endedAt: null }, actor),
    );
    if (weAsked) await this.#port.peerAccept(peer);
  }

  receivedAccept(origin: string): void {
    const peer = this.get(origin);
    if (peer && peer.outgoing === "requested") this.#save(origin, { outgoing: "accepted" });
  }

  receivedReject(origin: string): void {
    const peer = this.get(origin);
    if (peer && peer.outgoing !== "none") this.#save(origin, { outgoing: "rejected" });
  }

  receivedUndo(origin: string): void {
    const peer = this.get(origin);
    if (peer) this.#save(origin, { incoming: "none", outgoing: "none", endedAt: new Date() });
  }
}
