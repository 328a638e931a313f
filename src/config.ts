import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";
import { OCR_LANGUAGES, type OcrLanguage } from "./domain/media/ocr.ts";

const booleanString = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  CONSILIUM_ORIGIN: z
    .url({ protocol: /^https?$/ })
    .default("http://localhost:3000")
    .transform((v) => new URL(v).origin),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  CONSILIUM_DATA_DIR: z.string().min(1).default("./data"),
  CONSILIUM_MEDIA_DIR: z.string().min(1).optional(),
  CONSILIUM_SECRET: z.string().min(32, "CONSILIUM_SECRET must be at least 32 characters").optional(),
  CONSILIUM_INSTANCE_NAME: z.string().min(1).max(200).default("Consilium"),
  CONSILIUM_COUNTRY: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "CONSILIUM_COUNTRY must be an ISO 3166-1 alpha-2 code")
    .transform((v) => v.toUpperCase())
    .default("GB"),
  CONSILIUM_ALLOW_PRIVATE_ADDRESS: booleanString.default(false),
  CONSILIUM_CONTACT_EMAIL: z.email().optional(),
  CONSILIUM_CREDENTIAL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CONSILIUM_PASSWORD_COST: z.coerce.number().int().min(10).max(20).default(17),
  CONSILIUM_HTTP_CONNECT_TIMEOUT_SECONDS: z.coerce.number().positive().max(60).default(5),
  CONSILIUM_HTTP_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(15),
  CONSILIUM_HTTP_CONNECTIONS_PER_ORIGIN: z.coerce.number().int().min(1).max(64).default(4),
  CONSILIUM_QUEUES: z.enum(["embedded", "separate"]).default("embedded"),
  CONSILIUM_BACKUP_DIR: z.string().min(1).optional(),
  CONSILIUM_BACKUP_INTERVAL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 31)
    .default(24),
  CONSILIUM_BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
  CONSILIUM_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  CONSILIUM_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  CONSILIUM_METRICS_TOKEN: z.string().min(16, "CONSILIUM_METRICS_TOKEN must be at least 16 characters").optional(),
  CONSILIUM_SHUTDOWN_SECONDS: z.coerce.number().positive().max(600).default(25),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  CONSILIUM_OCR_LANGUAGES: z
    .string()
    .default(OCR_LANGUAGES.join(","))
    .transform((v, ctx) => {
      if (v.trim() === "none") return [];
      const list = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const l of list)
        if (!(OCR_LANGUAGES as readonly string[]).includes(l))
          ctx.addIssue({ code: "custom", message: `${l} is not one of ${OCR_LANGUAGES.join(", ")} (or none)` });
      return list as OcrLanguage[];
    }),
  CONSILIUM_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const list = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const entry of list)
        if (!isAddressOrSubnet(entry)) ctx.addIssue({ code: "custom", message: `${entry} is not an IP address or CIDR subnet` });
      return list;
    }),
  LOG_FORMAT: z.enum(["text", "json"]).default("text"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
});

export interface Config {
  readonly env: "development" | "production" | "test";
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databasePath: string;
  /** Uploaded images; the data directory's media/ unless CONSILIUM_MEDIA_DIR puts them elsewhere (a volume every web node mounts). */
  readonly mediaDir: string;
  readonly secret: string;
  readonly instanceName: string;
  readonly country: string;
  readonly allowPrivateAddress: boolean;
  /** Where people reach the instance staff (shown by the instance endpoints). */
  readonly contactEmail: string;
  /** Lifetime of issued physician credentials (re-issued 7 days before expiry). */
  readonly credentialDays: number;
  /** scrypt cost as log2(N); 17 is OWASP's floor, tests lower it for speed. */
  readonly passwordCost: number;
  /** Every outgoing request: connect timeout, total timeout, sockets per remote origin. */
  readonly http: { readonly connectTimeoutMs: number; readonly timeoutMs: number; readonly connectionsPerOrigin: number };
  /** Where deliveries, the inbox worker and jobs run: in the web process, or in `npm run worker`. */
  readonly queues: "embedded" | "separate";
  readonly logLevel: "trace" | "debug" | "info" | "warning" | "error" | "fatal";
  /** Text for people, JSON lines for log collectors. */
  readonly logFormat: "text" | "json";
  /** Scheduled backups: where, how often, how many kept (off without a directory). */
  readonly backup: { readonly dir: string | null; readonly intervalMs: number; readonly keep: number };
  /** Prometheus metrics: on their own port (loopback by default) and/or at /metrics behind a bearer token. */
  readonly metrics: { readonly port: number | null; readonly host: string; readonly token: string | null };
  /** How long SIGTERM waits for requests and deliveries in flight. */
  readonly shutdownMs: number;
  /** Where Fedify's traces go (OpenTelemetry over OTLP/HTTP), if anywhere. */
  readonly otlpEndpoint: string | null;
  /** Languages read in images (OCR); empty: images are not read. */
  readonly ocrLanguages: readonly OcrLanguage[];
  /** Reverse proxies whose X-Forwarded-For (and -Proto) is believed: addresses or CIDR subnets. */
  readonly trustedProxies: readonly string[];
  /** Warnings to log once logging is configured (e.g. a generated secret). */
  readonly warnings: readonly string[];
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, extra] = entry.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

export class ConfigError extends Error {}

/**
 * Reads and validates the environment.  Throws a ConfigError whose message
 * lists every invalid variable, so a misconfigured instance fails at start.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.CONSILIUM_DATA_DIR);
  const warnings: string[] = [];
  let secret = e.CONSILIUM_SECRET;
  if (secret == null) {
    if (e.NODE_ENV === "production") {
      throw new ConfigError("Invalid configuration:\n  CONSILIUM_SECRET: required when NODE_ENV=production (at least 32 characters)");
    }
    secret = developmentSecret(dataDir);
    warnings.push(
      `CONSILIUM_SECRET is not set; using a development secret stored in ${join(dataDir, "secret")}. Set CONSILIUM_SECRET in production.`,
    );
  }
  return {
    env: e.NODE_ENV,
    origin: e.CONSILIUM_ORIGIN,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    databasePath: join(dataDir, "consilium.sqlite"),
    mediaDir: e.CONSILIUM_MEDIA_DIR ? resolve(e.CONSILIUM_MEDIA_DIR) : join(dataDir, "media"),
    secret,
    instanceName: e.CONSILIUM_INSTANCE_NAME,
    country: e.CONSILIUM_COUNTRY,
    allowPrivateAddress: e.CONSILIUM_ALLOW_PRIVATE_ADDRESS,
    passwordCost: e.CONSILIUM_PASSWORD_COST,
    http: {
      connectTimeoutMs: Math.round(e.CONSILIUM_HTTP_CONNECT_TIMEOUT_SECONDS * 1000),
      timeoutMs: Math.round(e.CONSILIUM_HTTP_TIMEOUT_SECONDS * 1000),
      connectionsPerOrigin: e.CONSILIUM_HTTP_CONNECTIONS_PER_ORIGIN,
    },
    credentialDays: e.CONSILIUM_CREDENTIAL_DAYS,
    contactEmail: e.CONSILIUM_CONTACT_EMAIL ?? defaultContactEmail(new URL(e.CONSILIUM_ORIGIN).hostname, warnings),
    queues: e.CONSILIUM_QUEUES,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    backup: {
      dir: e.CONSILIUM_BACKUP_DIR ? resolve(e.CONSILIUM_BACKUP_DIR) : null,
      intervalMs: Math.round(e.CONSILIUM_BACKUP_INTERVAL_HOURS * 3600_000),
      keep: e.CONSILIUM_BACKUP_KEEP,
    },
    metrics: { port: e.CONSILIUM_METRICS_PORT ?? null, host: e.CONSILIUM_METRICS_HOST, token: e.CONSILIUM_METRICS_TOKEN ?? null },
    shutdownMs: Math.round(e.CONSILIUM_SHUTDOWN_SECONDS * 1000),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
    trustedProxies: e.CONSILIUM_TRUSTED_PROXIES,
    ocrLanguages: e.CONSILIUM_OCR_LANGUAGES,
    warnings,
  };
}

/**
 * RFC 5321 requires every mail domain to have a postmaster.  A host that is
 * not a mail domain (localhost, an IP address) gets a syntactically valid
 * placeholder and a warning to set CONSILIUM_CONTACT_EMAIL.
 */
function defaultContactEmail(hostname: string, warnings: string[]): string {
  if (/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(hostname)) return `postmaster@${hostname}`;
  warnings.push(
    "CONSILIUM_CONTACT_EMAIL is not set and the origin has no mail domain; the instance shows postmaster@localhost.localdomain.",
  );
  return "postmaster@localhost.localdomain";
}

/** Generates the development secret once and keeps it beside the database. */
function developmentSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, "secret");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
