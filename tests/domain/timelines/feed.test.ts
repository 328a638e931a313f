import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, quickPhysicians } from "../../helpers/client.ts";
import { byHomeModel, byHomeRule as byRule } from "../../helpers/feed.ts";
import { startInstances, type TestInstance } from "../../helpers/instances.ts";

/**
 * The materialised home feed against the rule it is kept to: after every
 * kind of change (posts of each visibility, replies, boosts, tags, follows
 * and unfollows, blocks, followed tags, exclusive lists, edits and deletes), in a seeded random
 * order, every viewer's feed holds exactly what the rule admits.
 */
describe("the home feed", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let people: { id: string; token: string; username: string }[];

  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    people = await quickPhysicians(uk, 6);
  });
  afterAll(() => instances.closeAll());

  // The feed, the rule's SQL and a plain model of the rule agree after every step.
  const check = (step: string) => {
    for (const p of people) {
      const feed = uk.services.homeFeed.all(p.id);
      expect({ step, viewer: p.username, feed }).toEqual({ step, viewer: p.username, feed: byRule(uk, p.id) });
      expect({ step, viewer: p.username, rule: feed }).toEqual({ step, viewer: p.username, rule: byHomeModel(uk, p.id) });
    }
  };

  it("matches the home rule after every change, in a random order", async () => {
    let seed = 20261124;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const posts: { id: string; owner: number }[] = [];
    const tags = ["cardiology", "nephrology", "sepsis"];
    for (let step = 0; step < 200; step++) {
      const a = random(people.length);
      let b = random(people.length);
      if (b === a) b = (b + 1) % people.length;
      const who = people[a]!;
      const other = people[b]!;
      const op = random(13);
      let label: string;
      if (op <= 2) {
        const visibility = ["public", "unlisted", "private", "direct"][random(4)]!;
        const tag = random(2) === 0 ? ` #${tags[random(tags.length)]}` : "";
        const mention = visibility === "direct" ? `@${other.username} ` : "";
        const res = await api(uk, "POST", "/api/v1/statuses", {
          token: who.token,
          json: { status: `${mention}Post ${step}${tag}`, visibility },
        });
        if (res.status === 200) posts.push({ id: res.body.id, owner: a });
        label = `${who.username} posts (${visibility}${tag})`;
      } else if (op === 3) {
        await api(uk, "POST", `/api/v1/accounts/${other.id}/follow`, { token: who.token });
        label = `${who.username} follows ${other.username}`;
      } else if (op === 4) {
        await api(uk, "POST", `/api/v1/accounts/${other.id}/unfollow`, { token: who.token });
        label = `${who.username} unfollows ${other.username}`;
      } else if (op === 5) {
        const tag = tags[random(tags.length)]!;
        await api(uk, "POST", `/api/v1/tags/${tag}/${random(2) === 0 ? "follow" : "unfollow"}`, { token: who.token });
        label = `${who.username} (un)follows #${tag}`;
      } else if (op === 6 && posts.length > 0) {
        const post = posts[random(posts.length)]!;
        await api(uk, "POST", `/api/v1/statuses/${post.id}/reblog`, { token: who.token });
        label = `${who.username} boosts ${post.id}`;
      } else if (op === 7 && posts.length > 0) {
        const i = random(posts.length);
        const post = posts[i]!;
        await api(uk, "DELETE", `/api/v1/statuses/${post.id}`, { token: people[post.owner]!.token });
        posts.splice(i, 1);
        label = `delete ${post.id}`;
      } else if (op === 8 && posts.length > 0) {
        const post = posts[random(posts.length)]!;
        const tag = random(2) === 0 ? ` #${tags[random(tags.length)]}` : "";
        await api(uk, "PUT", `/api/v1/statuses/${post.id}`, {
          token: people[post.owner]!.token,
          json: { status: `Edited at ${step}${tag}` },
        });
        label = `edit ${post.id}${tag}`;
      } else if (op === 11 && posts.length > 0) {
        // A reply: at home only for those who follow the one answered (or are answered).
        const post = posts[random(posts.length)]!;
        const res = await api(uk, "POST", "/api/v1/statuses", {
          token: who.token,
          json: { status: `Reply ${step}`, in_reply_to_id: post.id },
        });
        if (res.status === 200) posts.push({ id: res.body.id, owner: a });
        label = `${who.username} replies to ${post.id}`;
      } else if (op === 12) {
        // An exclusive list keeps its members out of home; leaving it brings them back.
        const lists = (await api(uk, "GET", "/api/v1/lists", { token: who.token })).body as { id: string }[];
        const list =
          lists[0] ?? (await api(uk, "POST", "/api/v1/lists", { token: who.token, json: { title: "Exclusive", exclusive: true } })).body;
        const add = random(2) === 0;
        await api(uk, add ? "POST" : "DELETE", `/api/v1/lists/${list.id}/accounts`, {
          token: who.token,
          json: { account_ids: [other.id] },
        });
        label = `${who.username} ${add ? "adds" : "removes"} ${other.username} ${add ? "to" : "from"} an exclusive list`;
      } else if (op === 9) {
        await api(uk, "POST", `/api/v1/accounts/${other.id}/block`, { token: who.token });
        label = `${who.username} blocks ${other.username}`;
      } else {
        await api(uk, "POST", `/api/v1/accounts/${other.id}/unblock`, { token: who.token });
        label = `${who.username} unblocks ${other.username}`;
      }
      check(`${step}: ${label}`);
    }
    expect(posts.length).toBeGreaterThan(10);
  }, 120_000);

  it("is rebuilt from the statuses when empty, and reads a page as the timeline shows it", async () => {
    const before = new Map(people.map((p) => [p.id, uk.services.homeFeed.all(p.id)]));
    uk.services.database.sqlite.prepare("DELETE FROM home_feed").run();
    uk.services.homeFeed.start();
    for (const p of people) expect(uk.services.homeFeed.all(p.id)).toEqual(before.get(p.id));
    // The API's page: the feed's newest, minus what the viewer may not see, paginated by max_id.
    const viewer = people[0]!;
    const first = (await api(uk, "GET", "/api/v1/timelines/home?limit=5", { token: viewer.token })).body as { id: string }[];
    const next = (await api(uk, "GET", `/api/v1/timelines/home?limit=5&max_id=${first.at(-1)?.id ?? ""}`, { token: viewer.token }))
      .body as { id: string }[];
    const shown = [...first, ...next].map((s) => s.id);
    expect(shown).toEqual([...shown].sort().reverse());
    for (const id of shown) expect(byRule(uk, viewer.id)).toContain(id);
  });
});
