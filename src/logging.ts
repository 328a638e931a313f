import { AsyncLocalStorage } from "node:async_hooks";
import {
  configure,
  getConsoleSink,
  getLogger,
  jsonLinesFormatter,
  type LogRecord,
  type Sink,
  type TextFormatter,
  withContext,
} from "@logtape/logtape";

export type LogLevel = "trace" | "debug" | "info" | "warning" | "error" | "fatal";

/**
 * One logging set-up for our code and Fedify's (both use LogTape).  Log
 * lines carry ids and handles, never identity: nothing from the vault is
 * ever passed to a logger.
 */
export async function configureLogging(
  level: LogLevel,
  options: { console?: boolean; sinks?: Sink[]; format?: "text" | "json" } = {},
): Promise<void> {
  const sinks: Record<string, Sink> =
    options.console === false ? {} : { console: getConsoleSink(options.format === "json" ? { formatter: jsonLinesFormatter } : {}) };
  const extraSinks = options.sinks ?? [];
  extraSinks.forEach((s, i) => {
    sinks[`extra${i}`] = s;
  });
  const names = Object.keys(sinks);
  await configure({
    reset: true,
    contextLocalStorage: new AsyncLocalStorage(),
    sinks,
    loggers: [
      { category: ["consilium"], lowestLevel: level, sinks: names },
      { category: ["fedify"], lowestLevel: level === "trace" || level === "debug" ? level : "warning", sinks: names },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: names },
    ],
  });
}

export function logger(...category: string[]) {
  return getLogger(["consilium", ...category]);
}

export type { LogRecord };

/** LOG_FORMAT=json: one JSON object per line (LogTape's formatter), for log collectors. */
export const jsonLines: TextFormatter = jsonLinesFormatter;

/** Runs a request's work with its id on every log line written meanwhile, Fedify's included. */
export function withRequestId<T>(requestId: string, run: () => T): T {
  return withContext({ requestId }, run);
}
