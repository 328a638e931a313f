import { ConfigError, loadConfig } from "./config.ts";
import { configureLogging, logger } from "./logging.ts";
import { startInstance } from "./server.ts";

try {
  const started = performance.now();
  const config = loadConfig();
  await configureLogging(config.logLevel, { format: config.logFormat });
  const log = logger("main");
  for (const warning of config.warnings) log.warn(warning);
  const instance = await startInstance(config);
  log.info("Consilium {name} serving {origin} (listening on {url}) in {ms} ms", {
    name: config.instanceName,
    origin: config.origin,
    url: instance.url,
    ms: Math.round(performance.now() - started),
  });
  // SIGTERM: stop taking connections, finish what is in flight (requests, deliveries) within
  // CONSILIUM_SHUTDOWN_SECONDS, then close the database.  A second signal stops at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    const began = performance.now();
    log.info("{signal}: finishing requests and deliveries in flight (at most {seconds} s)", { signal, seconds: config.shutdownMs / 1000 });
    await instance.close();
    log.info("Stopped in {ms} ms", { ms: Math.round(performance.now() - began) });
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
