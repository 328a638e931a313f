import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutgoingHttp, OutgoingRequestRefused } from "../../federation/outgoing-http.ts";

/** Resolves every *.test name to loopback, as a hostile DNS answer would. */
const loopbackLookup = ((hostname: string, options: { all?: boolean }, callback: (e: Error | null, a: unknown, f?: number) => void) => {
  if (!hostname.endsWith(".test")) return callback(new Error(`unknown host ${hostname}`), undefined);
  const address: LookupAddress = { address: "127.0.0.1", family: 4 };
  return options.all ? callback(null, [address]) : callback(null, address.address, address.family);
}) as never;

describe("the guarded outgoing client", () => {
  let blackHole: TcpServer;
  const held: Socket[] = [];
  let web: Server;
  let blackHolePort: number;
  let webPort: number;

  beforeAll(async () => {
    // Accepts connections and never answers.
    blackHole = createTcpServer((socket) => void held.push(socket));
    await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", r));
    blackHolePort = (blackHole.address() as AddressInfo).port;
    web = createHttpServer((req, res) => {
      if (req.url === "/to-loopback") {
        res.writeHead(302, { Location: `http://127.0.0.1:${webPort}/secret` }).end();
      } else if (req.url === "/to-peer") {
        res.writeHead(302, { Location: `http://peer.test:${webPort}/ok` }).end();
      } else {
        res.writeHead(200, { "Content-Type": "text/plain" }).end(req.url === "/secret" ? "internal secret" : "fine");
      }
    });
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    webPort = (web.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    blackHole.close();
    web.close();
  });

  const client = (overrides: Partial<ConstructorParameters<typeof OutgoingHttp>[0]> = {}) =>
    new OutgoingHttp({
      allowPrivateAddress: false,
      connectTimeoutMs: 1000,
      timeoutMs: 800,
      connectionsPerOrigin: 2,
      trustedOrigins: () => [],
      lookup: loopbackLookup,
      ...overrides,
    });

  it("gives up on a host that accepts and never answers, within the total timeout", async () => {
    const http = client({ allowPrivateAddress: true });
    const started = Date.now();
    await expect(http.fetch(`http://127.0.0.1:${blackHolePort}/inbox`, { method: "POST", body: "{}" })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_500);
    await http.close();
  });

  it("refuses loopback and private addresses, by literal or by name", async () => {
    const http = client();
    await expect(http.fetch(`http://127.0.0.1:${webPort}/secret`)).rejects.toBeInstanceOf(OutgoingRequestRefused);
    await expect(http.fetch(`http://[::1]:${webPort}/secret`)).rejects.toBeInstanceOf(OutgoingRequestRefused);
    await expect(http.fetch(`http://evil.test:${webPort}/secret`)).rejects.toBeInstanceOf(OutgoingRequestRefused);
    await expect(http.fetch("file:///etc/passwd")).rejects.toBeInstanceOf(OutgoingRequestRefused);
    await http.close();
  });

  it("checks every redirect again: a trusted peer cannot bounce a request to loopback", async () => {
    const trusted = `http://peer.test:${webPort}`;
    const http = client({ trustedOrigins: () => [trusted] });
    expect(await (await http.fetch(`${trusted}/ok`)).text()).toBe("fine");
    expect(await (await http.fetch(`${trusted}/to-peer`)).text()).toBe("fine");
    await expect(http.fetch(`${trusted}/to-loopback`)).rejects.toBeInstanceOf(OutgoingRequestRefused);
    await http.close();
  });

  it("leaves redirects to the caller that asked for manual handling (Fedify's loaders)", async () => {
    const http = client({ allowPrivateAddress: true });
    const response = await http.fetch(`http://127.0.0.1:${webPort}/to-loopback`, { redirect: "manual" });
    expect(response.status).toBe(302);
    await http.close();
  });
});
