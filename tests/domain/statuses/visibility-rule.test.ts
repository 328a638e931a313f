import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blocks, domainBlocks, follows, mutes, remoteActors, statuses, statusMentions } from "../../../src/db/schema.ts";
import type { Visibility } from "../../../src/domain/statuses/types.ts";
import { visibleSql, type VisibilityScope } from "../../../src/domain/statuses/visibility-rule.ts";
import { StatusAudience } from "../../../src/streaming/audience.ts";
import { quickPhysicians } from "../../helpers/client.ts";
import { startInstances, type TestInstance } from "../../helpers/instances.ts";

/**
 * The one visibility rule, four ways, against a plain model of random states:
 * StatusVisibility.canSee (a status opened by id), visibleTo (a batch in a
 * timeline), the SQL twin the paged timelines read with, and the streaming
 * audience.  Each random world has local physicians, peers' actors with a
 * valid, an expired and an invalid credential, posts of every visibility,
 * held posts, boosts (of boosts too), mentions, follows accepted and pending,
 * blocks either way, mutes current and run out, and blocked instances.
 */

interface World {
  locals: string[];
  remotes: { id: string; host: string; shown: boolean }[];
  posts: { id: string; accountId: string; visibility: Visibility; held: boolean; reblogOfId: string | null; mentions: string[] }[];
  follows: Set<string>;
  blocks: Set<string>;
  mutes: Set<string>;
  domainBlocks: Set<string>;
}

const pair = (a: string, b: string) => `${a}>${b}`;

/** The rule as DESIGN.md states it, written here without the source's helpers. */
function model(world: World, viewer: string, id: string, scope: VisibilityScope): boolean {
  const post = world.posts.find((p) => p.id === id);
  if (!post) return false;
  if (post.reblogOfId != null) {
    const original = world.posts.find((p) => p.id === post.reblogOfId);
    if (!original || original.reblogOfId != null || !model(world, viewer, original.id, scope)) return false;
  }
  if (post.accountId === viewer) return true;
  if (post.held) return false;
  if (world.blocks.has(pair(viewer, post.accountId)) || world.blocks.has(pair(post.accountId, viewer))) return false;
  const remote = world.remotes.find((r) => r.id === post.accountId);
  if (scope === "feed" && (world.mutes.has(pair(viewer, post.accountId)) || (remote && world.domainBlocks.has(pair(viewer, remote.host)))))
    return false;
  if (remote && !remote.shown) return false;
  if (post.visibility === "public" || post.visibility === "unlisted") return true;
  if (post.visibility === "private") return world.follows.has(pair(viewer, post.accountId)) || post.mentions.includes(viewer);
  return post.mentions.includes(viewer);
}

describe("the visibility rule", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
  });
  afterAll(() => instances.closeAll());

  async function randomWorld(round: number, random: (n: number) => number): Promise<World> {
    const db = uk.services.database.db;
    const now = Date.now();
    const locals = (await quickPhysicians(uk, 4, { username: `r${round}` })).map((p) => p.id);
    const remotes = [
      { status: "valid", expires: now + 86_400_000 },
      { status: "valid", expires: now - 1000 },
      { status: "invalid", expires: now + 86_400_000 },
      { status: "valid", expires: now + 86_400_000, suspended: true },
    ].map((c, i) => {
      const id = String(800_000 + round * 10 + i);
      const host = i === 2 ? `other-${round}.example` : `peer-${round}.example`;
      db.insert(remoteActors)
        .values({
          id,
          uri: `https://${host}/users/${id}`,
          origin: `https://${host}`,
          username: id,
          host,
          inboxUrl: `https://${host}/users/${id}/inbox`,
          credentialStatus: c.status as "valid" | "invalid",
          credentialExpiresAt: new Date(c.expires),
          suspended: c.suspended === true,
          createdAt: new Date(now),
          fetchedAt: new Date(now),
        })
        .run();
      return { id, host, shown: c.status === "valid" && c.expires > now && c.suspended !== true };
    });
    const everyone = [...locals, ...remotes.map((r) => r.id)];
    const world: World = { locals, remotes, posts: [], follows: new Set(), blocks: new Set(), mutes: new Set(), domainBlocks: new Set() };
    for (let i = 0; i < 90; i++) {
      const accountId = everyone[random(everyone.length)]!;
      const boost = world.posts.length > 0 && random(4) === 0 ? world.posts[random(world.posts.length)]! : null;
      const visibility = boost
        ? (["public", "unlisted", "private"] as const)[random(3)]!
        : (["public", "unlisted", "private", "direct"] as const)[random(4)]!;
      const mentions = boost ? [] : locals.filter(() => random(4) === 0);
      const post = {
        id: String(900_000 + round * 1000 + i),
        accountId,
        visibility,
        held: random(8) === 0,
        reblogOfId: boost?.id ?? null,
        mentions,
      };
      db.insert(statuses)
        .values({
          id: post.id,
          uri: `https://example/statuses/${post.id}`,
          accountId,
          local: locals.includes(accountId),
          kind: boost ? "boost" : "note",
          visibility,
          held: post.held,
          reblogOfId: post.reblogOfId,
          createdAt: new Date(now),
        })
        .run();
      for (const m of mentions) db.insert(statusMentions).values({ statusId: post.id, accountId: m }).run();
      world.posts.push(post);
    }
    for (const viewer of locals)
      for (const other of everyone) {
        if (other === viewer) continue;
        const roll = random(12);
        if (roll < 4) {
          const accepted = roll < 3;
          db.insert(follows)
            .values({
              id: `f-${viewer}-${other}`,
              followerId: viewer,
              followingId: other,
              state: accepted ? "accepted" : "pending",
              uri: `urn:f:${viewer}:${other}`,
              createdAt: new Date(now),
            })
            .run();
          if (accepted) world.follows.add(pair(viewer, other));
        } else if (roll === 4) {
          // Blocks either way: the viewer blocks, or is blocked by, the other.
          const [a, t] = random(2) === 0 ? [viewer, other] : [other, viewer];
          db.insert(blocks)
            .values({ id: `b-${a}-${t}`, accountId: a, targetId: t, uri: `urn:b:${a}:${t}`, createdAt: new Date(now) })
            .run();
          world.blocks.add(pair(a, t));
        } else if (roll === 5 || roll === 6) {
          // For ever, for another hour, or run out a second ago.
          const expiresAt = [null, new Date(now + 3_600_000), new Date(now - 1000)][random(3)]!;
          db.insert(mutes)
            .values({ id: `m-${viewer}-${other}`, accountId: viewer, targetId: other, expiresAt, createdAt: new Date(now) })
            .run();
          if (expiresAt === null || expiresAt.getTime() > now) world.mutes.add(pair(viewer, other));
        }
      }
    for (const viewer of locals)
      if (random(3) === 0) {
        const host = remotes[random(remotes.length)]!.host;
        db.insert(domainBlocks)
          .values({ id: `d-${viewer}-${host}`, accountId: viewer, domain: host, createdAt: new Date(now) })
          .onConflictDoNothing()
          .run();
        world.domainBlocks.add(pair(viewer, host));
      }
    return world;
  }

  it("is the same rule in the predicate, the batch, the SQL twin and the stream, on random states", async () => {
    // mulberry32: a seeded generator whose low bits are as random as its high ones
    let seed = 20261203;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const { services } = uk;
    const seen = { open: 0, feed: 0, hidden: 0 };
    for (let round = 0; round < 6; round++) {
      const world = await randomWorld(round, random);
      const ids = world.posts.map((p) => p.id);
      for (const viewer of world.locals) {
        const sqlVisible = (scope: VisibilityScope) =>
          new Set(
            services.database.db
              .all<{ id: string }>(
                sql`SELECT s.id AS id FROM statuses s WHERE s.id IN (${sql.join(
                  ids.map((id) => sql`${id}`),
                  sql`, `,
                )}) AND ${visibleSql(viewer, scope, Date.now())}`,
              )
              .map((r) => r.id),
          );
        const sqlOpen = sqlVisible("open");
        const sqlFeed = sqlVisible("feed");
        const rows = [...services.store.getMany(ids).values()];
        const batchFeed = new Set(services.visibility.visibleTo(viewer, rows).map((r) => r.id));
        const batchOpen = new Set(services.visibility.visibleTo(viewer, rows, { scope: "open" }).map((r) => r.id));
        for (const post of world.posts) {
          const row = services.store.get(post.id)!;
          const open = model(world, viewer, post.id, "open");
          const feed = model(world, viewer, post.id, "feed");
          const got = {
            canSee: services.visibility.canSee(viewer, row),
            batchOpen: batchOpen.has(post.id),
            sqlOpen: sqlOpen.has(post.id),
            batchFeed: batchFeed.has(post.id),
            sqlFeed: sqlFeed.has(post.id),
            stream: new StatusAudience(services, row).canSee(viewer),
          };
          expect({ viewer, post, got }).toEqual({
            viewer,
            post,
            got: { canSee: open, batchOpen: open, sqlOpen: open, batchFeed: feed, sqlFeed: feed, stream: feed },
          });
          if (open) seen.open++;
          if (feed) seen.feed++;
          if (!open) seen.hidden++;
        }
      }
    }
    // The worlds exercise both answers in both scopes, and the scopes differ.
    expect(seen.feed).toBeGreaterThan(50);
    expect(seen.hidden).toBeGreaterThan(50);
    expect(seen.open).toBeGreaterThan(seen.feed);
  }, 120_000);
});
