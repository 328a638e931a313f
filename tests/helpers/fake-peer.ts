import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "@fedify/fedify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { api } from "./client.ts";
import type { TestInstance } from "./instances.ts";
import { eventually } from "./network.ts";

const AS = "https://www.w3.org/ns/activitystreams";
const SEC = "https://w3id.org/security/v1";

interface KeyPair {
  readonly publicPem: string;
  readonly privateKey: CryptoKey;
}

async function rsaPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
  const publicPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
  return { publicPem, privateKey: pair.privateKey };
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A minimal, hand-driven peer for hostile-input tests: an HTTP server on
 * loopback with an instance actor and physicians, real RSA keys, a physician
 * credential signed by its own Ed25519 key, and signed requests.  It peers
 * with a real instance through the real handshake (Follow both ways, Accept).
 */
export class FakePeer {
  readonly received: ReceivedRequest[] = [];
  readonly routes = new Map<string, Handler>();
  /** Physicians whose actor document stops answering (hangs, or a status) after some fetches. */
  readonly #failing = new Map<string, { after: number; answer: "hang" | number; served: number }>();
  readonly #held: ServerResponse[] = [];
  /** Extra properties of a physician's actor document (a hostile `url`, say). */
  readonly actorExtras = new Map<string, Record<string, unknown>>();
  #server!: Server;
  origin = "";
  #instanceKey!: KeyPair;
  readonly #users = new Map<string, KeyPair>();
  #credentialKey!: CryptoKeyPair;
  #target: TestInstance | null = null;

  static async start(): Promise<FakePeer> {
    const peer = new FakePeer();
    peer.#instanceKey = await rsaPair();
    peer.#credentialKey = (await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })) as CryptoKeyPair;
    peer.#server = createServer((req, res) => void peer.#handle(req, res));
    await new Promise<void>((r) => peer.#server.listen(0, "127.0.0.1", r));
    peer.origin = `http://127.0.0.1:${(peer.#server.address() as AddressInfo).port}`;
    return peer;
  }

  get instanceActorUri(): string {
    return `${this.origin}/actor`;
  }
  actorUri(name: string): string {
    return `${this.origin}/users/${name}`;
  }
  keyId(name: string): string {
    return `${this.actorUri(name)}#main-key`;
  }

  async addUser(name: string): Promise<void> {
    this.#users.set(name, await rsaPair());
  }

  /** After `after` fetches of its actor document (the signature check takes one), it hangs or answers `answer`. */
  failActorAfter(name: string, after: number, answer: "hang" | number): void {
    this.#failing.set(name, { after, answer, served: 0 });
  }

  async #credential(name: string): Promise<string> {
    const now = Date.now();
    const until = now + 30 * 86_400_000;
    return new SignJWT({
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      type: ["VerifiableCredential", "PhysicianAttestation"],
      issuer: this.instanceActorUri,
      validFrom: new Date(now).toISOString(),
      validUntil: new Date(until).toISOString(),
      credentialSubject: {
        id: this.actorUri(name),
        specialty: { system: "http://nucc.org/provider-taxonomy", code: "207RC0000X", label: "Cardiology", consilium: "cardiology" },
        jurisdiction: "FR",
      },
    })
      .setProtectedHeader({ alg: "EdDSA", typ: "vc+jwt", cty: "vc", kid: `${this.instanceActorUri}#credential-key` })
      .setIssuer(this.instanceActorUri)
      .setSubject(this.actorUri(name))
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(until / 1000))
      .sign(this.#credentialKey.privateKey);
  }

  #json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { "Content-Type": "application/activity+json" }).end(JSON.stringify(body));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "/").split("?")[0]!;
    this.received.push({ method: req.method ?? "GET", path, headers: req.headers, body });
    const custom = this.routes.get(`${req.method} ${path}`);
    if (custom) return custom(req, res);
    if (req.method === "GET" && path === "/actor") {
      return this.#json(res, 200, {
        "@context": [AS, SEC],
        id: this.instanceActorUri,
        type: "Application",
        preferredUsername: new URL(this.origin).host,
        inbox: `${this.origin}/inbox`,
        followers: `${this.origin}/actor/followers`,
        endpoints: { sharedInbox: `${this.origin}/inbox` },
        publicKey: { id: `${this.instanceActorUri}#main-key`, owner: this.instanceActorUri, publicKeyPem: this.#instanceKey.publicPem },
      });
    }
    if (req.method === "GET" && path === "/.well-known/jwks.json") {
      const jwk = await exportJWK(this.#credentialKey.publicKey);
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ keys: [{ ...jwk, kid: `${this.instanceActorUri}#credential-key`, alg: "EdDSA" }] }));
      return;
    }
    const user = /^\/users\/([^/]+)$/.exec(path)?.[1];
    if (req.method === "GET" && user && this.#users.has(user)) {
      const failing = this.#failing.get(user);
      if (failing && failing.served++ >= failing.after) {
        if (failing.answer === "hang") return void this.#held.push(res);
        return void res.writeHead(failing.answer).end();
      }
      return this.#json(res, 200, {
        ...this.actorExtras.get(user),
        "@context": [AS, SEC],
        id: this.actorUri(user),
        type: "Person",
        preferredUsername: user,
        name: user,
        inbox: `${this.actorUri(user)}/inbox`,
        followers: `${this.actorUri(user)}/followers`,
        endpoints: { sharedInbox: `${this.origin}/inbox` },
        publicKey: { id: this.keyId(user), owner: this.actorUri(user), publicKeyPem: this.#users.get(user)!.publicPem },
        attachment: [{ type: "Link", mediaType: "application/vc+jwt", href: `data:application/vc+jwt,${await this.#credential(user)}` }],
      });
    }
    if (req.method === "POST" && /\/inbox$/.test(path)) {
      res.writeHead(202).end();
      // The handshake: answer the instance's Follow, and follow it back.
      try {
        const activity = JSON.parse(body) as { type?: string; id?: string; actor?: string; object?: unknown };
        if (this.#target && activity.type === "Follow" && activity.object === this.instanceActorUri) {
          const target = this.#target;
          await this.post(`${target.origin}/users/__instance__/inbox`, {
            "@context": AS,
            id: `${this.origin}/accepts/${Date.now()}`,
            type: "Accept",
            actor: this.instanceActorUri,
            object: activity.id,
          });
          await this.post(`${target.origin}/users/__instance__/inbox`, {
            "@context": AS,
            id: `${this.origin}/follows/${Date.now()}`,
            type: "Follow",
            actor: this.instanceActorUri,
            object: activity.actor,
          });
        }
      } catch {
        // not JSON: recorded, ignored
      }
      return;
    }
    res.writeHead(404).end();
  }

  /**
   * A signed POST, as the instance actor (default) or one of the physicians, or with any key id and key;
   * `signedFor` signs another URL than the one sent to (as a TLS proxy in front of the receiver would see it).
   */
  async post(
    url: string,
    activity: unknown,
    as: string | { keyId: string; privateKey: CryptoKey } = "__instance__",
    options: { spec?: "draft-cavage-http-signatures-12" | "rfc9421"; signedFor?: string } = {},
  ): Promise<Response> {
    const signer =
      typeof as === "string"
        ? as === "__instance__"
          ? { keyId: `${this.instanceActorUri}#main-key`, privateKey: this.#instanceKey.privateKey }
          : { keyId: this.keyId(as), privateKey: this.#users.get(as)!.privateKey }
        : as;
    const body = typeof activity === "string" ? activity : JSON.stringify(activity);
    const request = new Request(options.signedFor ?? url, {
      method: "POST",
      headers: { "Content-Type": "application/activity+json", Accept: "application/activity+json" },
      body,
    });
    const signed = await signRequest(request, signer.privateKey, new URL(signer.keyId), {
      spec: options.spec ?? "draft-cavage-http-signatures-12",
    });
    if (!options.signedFor) return fetch(signed);
    // As a TLS proxy forwards it: plain http to the server, with the Host the signer addressed (fetch cannot set Host).
    const target = new URL(url);
    const headers: Record<string, string> = {};
    signed.headers.forEach((value, key) => (headers[key] = value));
    headers["host"] = new URL(options.signedFor).host;
    return new Promise<Response>((resolve, reject) => {
      const req = httpRequest(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: "POST", headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** The real handshake with an instance, driven through its admin API. */
  async peerWith(instance: TestInstance, staffToken: string): Promise<void> {
    this.#target = instance;
    const added = await api(instance, "POST", "/api/v1/consilium/peers", { token: staffToken, json: { origin: this.origin } });
    if (added.status !== 200) throw new Error(`peer add failed: ${added.status} ${added.text}`);
    await eventually(async () => {
      const list = await api(instance, "GET", "/api/v1/consilium/peers", { token: staffToken });
      return list.body.find((p: { origin: string; state: string }) => p.origin === this.origin && p.state === "active");
    }, `${instance.origin} to see the fake peer as active`);
  }

  close(): Promise<void> {
    for (const res of this.#held) res.destroy();
    return new Promise((r) => {
      this.#server.closeAllConnections();
      this.#server.close(() => r());
    });
  }
}

export { AS };
