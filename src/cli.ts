import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase } from "./db/client.ts";
import type { Role } from "./domain/accounts/types.ts";
import { DomainError } from "./domain/errors.ts";
import { createBackup, restoreBackup } from "./ops/backup.ts";
import { EventRelay } from "./events/relay.ts";
import { createServices, eventRows } from "./services.ts";
import { wireFederation } from "./federation-wiring.ts";
import { installFetchGuard, OutgoingHttp } from "../federation/outgoing-http.ts";

const USAGE = `Usage: npm run cli -- <command> [options]

  admin create --username U --email E --password P [--role owner|admin|verifier]
      Create a staff account (the owner by default) and print its id.
  accounts list [--status pending|approved|rejected|suspended]
      List accounts (id, handle, status, specialty, jurisdiction).
  accounts approve|reject|suspend|unsuspend ID [--note TEXT]
      Decide on an application or revoke a physician (audited as the CLI user);
      peers learn of it as soon as the running server or worker delivers it.
  admin reset-second-factor HANDLE [--note TEXT]
      Remove a staff member's second factor and end their console sessions;
      they set it up again at their next sign-in.
  admin require-second-factor on|off
      Whether every staff member must use a second factor (the owner's
      setting in the console; on by default in production).
  registers import FILE
      Import a UK GMC LRMP or US NPPES register extract (CSV).
  backup FILE
      An online, consistent backup (database and media) to FILE (.tar.gz),
      safe while the server runs.  CONSILIUM_SECRET is not in it: keep it apart.
  restore FILE
      Restore a backup into CONSILIUM_DATA_DIR, which must be empty or absent.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      username: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      role: { type: "string" },
      status: { type: "string" },
      note: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [group, command, arg] = positionals;
  if (values.help || !group) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  const config = loadConfig();
  // Backups read the data directory as files; a restore must not create a database first.
  if (group === "backup" || group === "restore") {
    if (!command) {
      console.error(`${group} needs a FILE\n\n${USAGE}`);
      return 1;
    }
    let manifest;
    try {
      manifest = group === "backup" ? await createBackup(config, resolve(command)) : await restoreBackup(resolve(command), config);
    } catch (error) {
      console.error(`${group} failed: ${(error as Error).message}`);
      return 1;
    }
    console.log(
      `${group === "backup" ? "Backed up to" : "Restored from"} ${command}: ${manifest.migrations} migrations, ${manifest.mediaFiles} media files, taken ${manifest.createdAt}.`,
    );
    return 0;
  }
  const database = openDatabase(config.databasePath);
  const services = createServices(config, database);
  // What the command changes reaches a running server's streams and caches.
  const relay = new EventRelay(database.sqlite, services.events, eventRows(services));
  relay.start();
  const actor = `cli:${userInfo().username}`;
  try {
    if (group === "admin" && command === "create") {
      if (!values.username || !values.email || !values.password) {
        console.error("admin create needs --username, --email and --password");
        return 1;
      }
      const role = (values.role ?? "owner") as Role;
      if (!["owner", "admin", "verifier"].includes(role)) {
        console.error("--role must be owner, admin or verifier");
        return 1;
      }
      const account = await services.accounts.createStaff({
        username: values.username,
        email: values.email,
        password: values.password,
        role,
      });
      services.audit.record({ staffId: actor, subjectId: account.id, action: "account.create_staff", reason: role });
      console.log(account.id);
      return 0;
    }
    if (group === "admin" && command === "reset-second-factor") {
      const staff = arg ? services.accounts.findByUsername(arg.replace(/^@/, "")) : undefined;
      if (!staff || staff.role === "physician") {
        console.error("admin reset-second-factor needs the handle of a staff member");
        return 1;
      }
      const removed = services.secondFactors.reset(actor, staff.id, values.note ?? "reset from the command line");
      const sessions = services.staffSessions.endAll(staff.id);
      console.log(
        removed
          ? `Second factor of @${staff.username} removed; ${sessions} console sessions ended.`
          : `@${staff.username} had no second factor; ${sessions} console sessions ended.`,
      );
      return 0;
    }
    if (group === "admin" && command === "require-second-factor") {
      if (arg !== "on" && arg !== "off") {
        console.error("admin require-second-factor needs on or off");
        return 1;
      }
      services.settings.update(actor, { staffSecondFactorRequired: arg === "on" });
      console.log(`Staff second factor ${arg === "on" ? "required" : "optional"}.`);
      return 0;
    }
    if (group === "accounts" && command === "list") {
      const status = values.status as "pending" | "approved" | "rejected" | "suspended" | undefined;
      for (const a of services.accounts.list({ status, limit: 200 })) {
        console.log([a.id, a.username, a.role, a.status, a.specialty ?? "-", a.jurisdiction ?? "-", a.createdAt.toISOString()].join("\t"));
      }
      return 0;
    }
    if (group === "accounts" && ["approve", "reject", "suspend", "unsuspend"].includes(command ?? "")) {
      if (!arg) {
        console.error(`accounts ${command} needs an account id`);
        return 1;
      }
      const decide = { approve: "approve", reject: "reject", suspend: "suspend", unsuspend: "unsuspend" } as const;
      // Credentials follow the decision, and what peers must learn (a withdrawn credential, a suspended actor) is
      // queued in the instance's database: the running server or worker delivers it, as it does the admin API's.
      installFetchGuard();
      const outgoing = new OutgoingHttp({
        ...config.http,
        allowPrivateAddress: config.allowPrivateAddress,
        trustedOrigins: () => services.peers.trustedOrigins(),
        redirectOrigins: () => services.peers.activeOrigins(),
      });
      await wireFederation(config, database, services, (input, init) => outgoing.fetch(input, init));
      const account = await services.credentialLifecycle.sync(
        services.review[decide[command as keyof typeof decide]](actor, arg, values.note),
      );
      console.log(`${account.id}\t${account.username}\t${account.status}`);
      return 0;
    }
    if (group === "registers" && command === "import") {
      if (!arg) {
        console.error("registers import needs a CSV file");
        return 1;
      }
      const result = services.registers.import(readFileSync(arg, "utf8"));
      const rematched = services.review.rematchPending();
      services.audit.record({
        staffId: actor,
        subjectId: null,
        action: "register.import",
        reason: `${result.source}: ${result.imported} entries`,
      });
      console.log(
        `Imported ${result.imported} ${result.source} entries; skipped ${result.skipped.length}; ${rematched} pending applications re-matched.`,
      );
      for (const s of result.skipped) console.log(`  line ${s.line}: ${s.reason}`);
      return 0;
    }
    console.error(`Unknown command: ${positionals.join(" ")}\n\n${USAGE}`);
    return 1;
  } finally {
    relay.stop();
    database.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 1;
  } else if (error instanceof DomainError) {
    const details = error.details ? `\n${JSON.stringify(error.details, null, 2)}` : "";
    console.error(`${error.message}${details}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
