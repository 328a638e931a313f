// Services in this process on a data directory of the test's, without a server: for tests that play
// several processes on one database (each opens its own connection and services).
import { type Config, loadConfig } from "../../src/config.ts";

/** A test configuration on `dataDir`, whose origin nothing listens on (nothing here federates). */
export function inProcessConfig(dataDir: string, name: string): Config {
  return loadConfig({
    NODE_ENV: "test",
    CONSILIUM_ORIGIN: "http://127.0.0.1:9",
    CONSILIUM_DATA_DIR: dataDir,
    CONSILIUM_SECRET: `${name}-secret-${"x".repeat(32)}`,
    CONSILIUM_PASSWORD_COST: "12",
  });
}
