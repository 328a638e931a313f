// What one post costs its author's instance (stored, announced, rendered as POST /api/v1/statuses answers),
// in CPU, with 100 and then 10,000 earlier posts by the same author: a post must not cost more the more its
// author has posted (counters kept by the database, never a recount of the history).
import { rmSync } from "node:fs";
import type { Config } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { newId } from "../src/domain/ids.ts";
import { statusJson } from "../src/render/statuses-json.ts";
import { createServices } from "../src/services.ts";
import { seed } from "./seed.ts";

export interface PostCost {
  readonly priorPosts: number;
  /** Median over the batches of CPU milliseconds (user and system) per post. */
  readonly cpuMsPerPost: number;
}

export const BATCHES = 8;
export const PER_BATCH = 60;

export async function postCost(config: Config, priors: readonly number[]): Promise<PostCost[]> {
  rmSync(config.dataDir, { recursive: true, force: true });
  await seed(config, { accounts: 10, posts: 10, follows: 5, threadReplies: 1, fakePeers: [] });
  const database = openDatabase(config.databasePath);
  const services = createServices(config, database);
  const { sqlite } = database;
  try {
    // One author per history length (alike: neither followed, neither the viewer), their batches taken in turns,
    // so that warming up favours neither.
    const authors = priors.map(
      (_, i) => (sqlite.prepare("SELECT id FROM accounts WHERE username = ?").get(`bench_${8 + i}`) as { id: string }).id,
    );
    const count = (author: string) =>
      (sqlite.prepare("SELECT count(*) AS n FROM statuses WHERE account_id = ?").get(author) as { n: number }).n;
    const insert = sqlite.prepare(
      `INSERT INTO statuses (id, uri, account_id, local, kind, visibility, content_html, source_text, held, created_at)
       VALUES (?, ?, ?, 1, 'note', 'public', ?, ?, 0, ?)`,
    );
    const topUp = (author: string, to: number) =>
      sqlite.transaction(() => {
        for (let n = count(author); n < to; n++) {
          const at = Date.now() - 86_400_000 + n;
          const id = newId(at);
          insert.run(id, `${config.origin}/statuses/${id}`, author, `<p>earlier post ${n}</p>`, `earlier post ${n}`, at);
        }
      })();
    let n = 0;
    const batch = async (author: string) => {
      for (let i = 0; i < PER_BATCH; i++) {
        const status = await services.statuses.create(author, {
          text: `Grey-zone question ${n++}: anticoagulation after a fall?`,
          visibility: "public",
        });
        JSON.stringify(statusJson(status, author, services));
      }
    };
    priors.forEach((prior, i) => topUp(authors[i]!, prior));
    // A warm-up batch each, uncounted, then the median of the batches (this machine has slow spells).
    for (const author of authors) await batch(author);
    const perPost: number[][] = priors.map(() => []);
    for (let b = 0; b < BATCHES; b++) {
      // The first batch of a round costs more (measured: 10–15 %, whichever author it is): the order turns each round.
      const order = [...authors.entries()];
      if (b % 2 === 1) order.reverse();
      for (const [i, author] of order) {
        const started = process.cpuUsage();
        await batch(author);
        const used = process.cpuUsage(started);
        perPost[i]!.push((used.user + used.system) / 1000 / PER_BATCH);
      }
    }
    return priors.map((prior, i) => {
      const sorted = perPost[i]!.sort((a, b) => a - b);
      return { priorPosts: prior, cpuMsPerPost: sorted[Math.floor(BATCHES / 2)]! };
    });
  } finally {
    database.close();
  }
}
