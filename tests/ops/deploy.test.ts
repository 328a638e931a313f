import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { tempDir } from "../helpers/temp.ts";

const deploy = (name: string) => new URL(`../../deploy/${name}`, import.meta.url).pathname;
const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => existsSync(p));

describe("the deployment samples", () => {
  // CI installs nginx (.ci/run); a developer machine without it skips this one.
  it.runIf(NGINX || process.env["CI"])("the nginx sample passes nginx -t (with a throwaway certificate in place of the real one)", () => {
    const dir = tempDir();
    try {
      const cert = join(dir.path, "cert.pem");
      const key = join(dir.path, "key.pem");
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=consilium.example.org"],
        { stdio: "ignore" },
      );
      const site = readFileSync(deploy("nginx.conf"), "utf8")
        .replace("/etc/letsencrypt/live/consilium.example.org/fullchain.pem", cert)
        .replace("/etc/letsencrypt/live/consilium.example.org/privkey.pem", key);
      writeFileSync(join(dir.path, "consilium.conf"), site);
      writeFileSync(
        join(dir.path, "nginx.conf"),
        `events {}\nhttp {\n  access_log off;\n  include ${join(dir.path, "consilium.conf")};\n}\n`,
      );
      const result = spawnSync(
        NGINX ?? "nginx",
        ["-t", "-p", dir.path, "-c", join(dir.path, "nginx.conf"), "-g", `pid ${dir.path}/nginx.pid; error_log ${dir.path}/error.log;`],
        { encoding: "utf8" },
      );
      expect(result.stderr).toContain("test is successful");
      expect(result.status).toBe(0);
      // What Consilium needs from its proxy: the Host header unchanged (peers sign it), WebSocket upgrades for streaming.
      expect(site).toMatch(/proxy_set_header Host \$host;/);
      expect(site).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    } finally {
      dir.cleanup();
    }
  });

  it("the environment sample is a valid production configuration", () => {
    const env = Object.fromEntries(
      readFileSync(deploy("consilium.env.example"), "utf8")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const config = loadConfig(env);
    expect(config).toMatchObject({
      env: "production",
      origin: "https://consilium.example.org",
      logFormat: "json",
      metrics: { port: 9464, host: "127.0.0.1" },
    });
    expect(config.backup.dir).toBe("/var/lib/consilium/backups");
  });

  it.runIf(existsSync("/usr/bin/systemd-analyze"))("the systemd unit verifies", () => {
    const result = spawnSync("/usr/bin/systemd-analyze", ["verify", deploy("consilium.service")], { encoding: "utf8" });
    expect(
      result.stderr.split("\n").filter((l) => /consilium\.service/.test(l) && !/User|Group|EnvironmentFile|WorkingDirectory/.test(l)),
    ).toEqual([]);
    expect(readFileSync(deploy("consilium.service"), "utf8")).toMatch(/KillSignal=SIGTERM/);
  });
});
