import { ConfigError, loadConfig } from "./config.ts";
import { configureLogging, logger } from "./logging.ts";
import { startInstance } from "./server.ts";

try {
  const started = performance.now();
  const config = loadConfig();
  await configureLogging(config.logLevel);
  const log = logger("main");
  for (const warning of config.warnings) log.warn(warning);
  const instance = await startInstance(config);
  log.info("Consilium {name} serving {origin} (listening on {url}) in {ms} ms", {
    name: config.instanceName,
    origin: config.origin,
    url: instance.url,
    ms: Math.round(performance.now() - started),
  });
  const shutdown = async () => {
    await instance.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
