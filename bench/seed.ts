// Seeds an instance's database directly (before the server starts): accounts,
// posts, follows, a case thread, and peers that stand in for other instances.
import type { Config } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { createKeyring } from "../src/domain/crypto/keyring.ts";
import { createIdentityVault } from "../src/domain/identity/vault.ts";
import { newId } from "../src/domain/ids.ts";
import { createServices } from "../src/services.ts";

export interface SeedPlan {
  readonly accounts: number;
  readonly posts: number;
  readonly follows: number;
  readonly threadReplies: number;
  /** Fake peers (origins of small counting servers) inserted as active. */
  readonly fakePeers: readonly string[];
}

export interface Seeded {
  readonly viewerToken: string;
  readonly viewerUsername: string;
  readonly caseId: string;
  readonly deepMaxId: string;
}

const SPECIALTIES = ["cardiology", "neurology", "dermatology", "general_practice", "emergency_medicine", "paediatrics"];

export async function seed(config: Config, plan: SeedPlan): Promise<Seeded> {
  const database = openDatabase(config.databasePath);
  const services = createServices(config, database);
  const { sqlite } = database;
  const passwordHash = "scrypt$4096$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  // Synthetic identities, sealed like any real one.
  const vault = createIdentityVault(createKeyring(config.secret));
  const vaultSeal = (id: string) =>
    vault.seal(id, {
      legalName: `Synthetic Person ${id}`,
      email: `bench-${id}@example.test`,
      licenseNumber: `BENCH${id.slice(-6)}`,
      licenseJurisdiction: "GB",
      registerMatch: { status: "none", matchedOn: [], checkedAt: new Date().toISOString() },
      reviewHistory: [],
    });
  const insertAccount = sqlite.prepare(
    `INSERT INTO accounts (id, username, username_key, display_name, note, disclosures, role, status, specialty, jurisdiction, locale, locked, email_hmac, password_hash, identity, created_at, updated_at, approved_at)
     VALUES (?, ?, ?, ?, '', '', 'physician', 'approved', ?, 'GB', 'en', 0, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.now() - plan.posts * 1000;
  const accountIds: string[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < plan.accounts; i++) {
      const id = newId(start - 10_000_000 + i);
      accountIds.push(id);
      const username = `bench_${i}`;
      insertAccount.run(
        id,
        username,
        username,
        `Bench ${i}`,
        SPECIALTIES[i % SPECIALTIES.length],
        `hmac-${i}`,
        passwordHash,
        vaultSeal(id),
        start,
        start,
        start,
      );
    }
  })();
  const viewerId = accountIds[0]!;
  const insertStatus = sqlite.prepare(
    `INSERT INTO statuses (id, uri, url, account_id, local, kind, visibility, content_html, source_text, spoiler_text, sensitive, context_uri, in_reply_to_id, in_reply_to_uri, in_reply_to_account_id, case_data, case_status, held, created_at)
     VALUES (?, ?, ?, ?, 1, ?, 'public', ?, ?, '', 0, ?, ?, ?, ?, ?, ?, 0, ?)`,
  );
  let deepMaxId = "";
  sqlite.transaction(() => {
    for (let i = 0; i < plan.posts; i++) {
      const at = start + i * 1000;
      const id = newId(at);
      const author = accountIds[(i * 7919) % accountIds.length]!;
      const uri = `${config.origin}/users/bench_${accountIds.indexOf(author)}/statuses/${id}`;
      insertStatus.run(
        id,
        uri,
        uri,
        author,
        "note",
        `<p>Bench post ${i}: BP 120/80, day 3.</p>`,
        `Bench post ${i}`,
        `${uri}#context`,
        null,
        null,
        null,
        null,
        null,
        at,
      );
      if (i === Math.floor(plan.posts / 2)) deepMaxId = id;
    }
  })();
  const insertFollow = sqlite.prepare(
    "INSERT INTO follows (id, follower_id, following_id, state, uri, created_at) VALUES (?, ?, ?, 'accepted', ?, ?)",
  );
  sqlite.transaction(() => {
    for (let i = 1; i <= plan.follows; i++) {
      const target = accountIds[(i * 17) % accountIds.length]!;
      if (target === viewerId) continue;
      insertFollow.run(newId(), viewerId, target, `${config.origin}/users/bench_0#follows/${i}`, start);
    }
  })();
  // One case with a long thread.
  const caseAt = Date.now() - 3600_000;
  const caseId = newId(caseAt);
  const caseUri = `${config.origin}/users/bench_1/cases/${caseId}`;
  const record = {
    kind: "help",
    title: "Bench case",
    age_band: "50-59",
    sex: "female",
    presenting_complaint: "Chest pain",
    history: "",
    examination: "",
    investigations: "",
    question: "Next step?",
    specialties: ["cardiology"],
    status: "open",
    accepted_answer: null,
    solution_note: null,
  };
  sqlite.transaction(() => {
    insertStatus.run(
      caseId,
      caseUri,
      caseUri,
      accountIds[1]!,
      "case",
      "<p>Bench case</p>",
      "",
      `${caseUri}#context`,
      null,
      null,
      null,
      JSON.stringify(record),
      "open",
      caseAt,
    );
    for (let i = 0; i < plan.threadReplies; i++) {
      const at = caseAt + (i + 1) * 1000;
      const id = newId(at);
      const author = accountIds[2 + (i % 50)]!;
      const uri = `${config.origin}/users/bench_x/statuses/${id}`;
      insertStatus.run(
        id,
        uri,
        uri,
        author,
        "note",
        `<p>Reply ${i}</p>`,
        `Reply ${i}`,
        `${caseUri}#context`,
        caseId,
        caseUri,
        accountIds[1]!,
        null,
        null,
        at,
      );
    }
  })();
  const insertPeer = sqlite.prepare(
    "INSERT INTO peers (origin, actor_uri, followers_url, inbox_url, shared_inbox_url, outgoing, incoming, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'accepted', 'accepted', ?, ?)",
  );
  for (const origin of plan.fakePeers) {
    insertPeer.run(
      origin,
      `${origin}/actor`,
      `${origin}/actor/followers`,
      `${origin}/actor/inbox`,
      `${origin}/inbox`,
      Date.now(),
      Date.now(),
    );
  }
  // The home feed is materialised on write; rows inserted directly are fanned out here.
  services.homeFeed.rebuildAll();
  // Credentials issued now, so the renewal job has nothing to do while the server is measured.
  for (const id of accountIds) await services.credentials.issue(services.accounts.require(id));
  const { app } = services.oauth.createApp({ name: "bench", redirectUris: ["urn:ietf:wg:oauth:2.0:oob"], scopes: "read write follow" });
  const viewerToken = services.oauth.issueForAccount(app.id, viewerId, ["read", "write", "follow"]).accessToken;
  database.close();
  return { viewerToken, viewerUsername: "bench_0", caseId, deepMaxId };
}
