import { ConfigError, loadConfig } from "./config.ts";
import { configureLogging, logger } from "./logging.ts";
import { startInstance } from "./server.ts";

// The worker half of the web/worker split (CONSILIUM_QUEUES=separate): deliveries,
// the inbox worker, credential renewal and poll flushing, no HTTP server.  Any
// number may run beside the web process; leases keep each job to one of them.
try {
  const config = loadConfig();
  await configureLogging(config.logLevel, { format: config.logFormat });
  const log = logger("worker");
  for (const warning of config.warnings) log.warn(warning);
  const worker = await startInstance(config, { serve: false });
  // The queues' timers do not hold the process open; this does.
  const alive = setInterval(() => {}, 60_000);
  log.info("Consilium worker for {origin} running queues and jobs", { origin: config.origin });
  const shutdown = async () => {
    clearInterval(alive);
    await worker.close();
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
