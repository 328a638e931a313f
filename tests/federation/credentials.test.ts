import { fork } from "node:child_process";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialKeyId } from "../../src/domain/credentials/issuer.ts";
import { INSTANCE_KEY_OWNER } from "../../src/domain/keys.ts";
import { api, approvedPhysician, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer, quiet, resolveAccount } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

const DAY = 86_400_000;

describe("physician credentials across borders", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance, fr: TestInstance;
  let ukStaff: string;
  let usToken: string;
  const ukDocs: Record<string, Awaited<ReturnType<typeof approvedPhysician>>> = {};

  beforeAll(async () => {
    instances = await startInstances(3);
    [uk, us, fr] = instances as unknown as [TestInstance, TestInstance, TestInstance];
    ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    const frStaff = await ownerToken(fr);
    for (const name of ["uk_a", "uk_b", "uk_c", "uk_d"])
      ukDocs[name] = await approvedPhysician(uk, ukStaff, { username: name, specialty: "cardiology" });
    usToken = (await approvedPhysician(us, usStaff, { username: "us_doc" })).token;
    await peer(uk, ukStaff, us, usStaff);
    await peer(us, usStaff, fr, frStaff);
  }, 90_000);
  afterAll(() => instances.closeAll());

  const credentialOnUs = async (username: string) => {
    const id = await resolveAccount(us, usToken, username, uk);
    return (await api(us, "GET", `/api/v1/consilium/accounts/${id}/credential`, { token: usToken })).body;
  };

  /** The actor as UK publishes it, with its credential replaced, sent as Update(Person) by the actor itself. */
  const sendActorWithCredential = async (username: string, jwt: string | null) => {
    const actor = (await (await signedFetch(us, `${uk.origin}/users/${username}`)).json()) as Record<string, any>;
    actor.attachment = (actor.attachment as any[]).filter((a) => a.mediaType !== "application/vc+jwt");
    if (jwt) actor.attachment.push({ type: "Link", mediaType: "application/vc+jwt", href: `data:application/vc+jwt,${jwt}` });
    const account = uk.services.accounts.findByUsername(username)!;
    const [rsa] = await uk.services.keys.keyPairs(account.id);
    const body = JSON.stringify({
      "@context": actor["@context"],
      id: `${actor.id}#forged-update-${Date.now()}`,
      type: "Update",
      actor: actor.id,
      to: [`${uk.origin}/users/__instance__/followers`],
      object: { ...actor, "@context": undefined },
    });
    const res = await signedFetch(us, `${us.origin}/inbox`, {
      method: "POST",
      body,
      privateKey: rsa!.privateKey,
      keyId: new URL(actor.publicKey.id),
    });
    expect(res.status).toBeLessThan(300);
  };

  it("a credential issued on UK verifies on US and carries no identity", async () => {
    const body = await credentialOnUs("uk_a");
    expect(body.check).toMatchObject({ valid: true, reason: null });
    expect(body.claims.credentialSubject).toMatchObject({
      id: `${uk.origin}/users/uk_a`,
      jurisdiction: "GB",
      specialty: { code: "207RC0000X", label: "Cardiology" },
    });
    expect(body.claims.type).toEqual(["VerifiableCredential", "PhysicianAttestation"]);
    const payload = JSON.stringify(decodeJwt(body.credential));
    expect(payload).not.toContain(ukDocs["uk_a"]!.applicant.legal_name);
    expect(payload).not.toContain(ukDocs["uk_a"]!.applicant.license_number);
    const account = await api(us, "GET", `/api/v1/accounts/${await resolveAccount(us, usToken, "uk_a", uk)}`, { token: usToken });
    expect(account.body.verified).toBe(true);
    expect(account.body.fields[0]).toMatchObject({
      name: "Verification",
      value: expect.stringMatching(/^Verified physician · Cardiology · GB · verified by /),
    });
    const jwks = await (await fetch(`${uk.origin}/.well-known/jwks.json`)).json();
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: credentialKeyId(uk.origin) });
  });

  it("forged credentials are refused and the actor's posts hidden", async () => {
    const genuineB = uk.services.accounts.findByUsername("uk_b")!.credential!;
    const subjectA = `${uk.origin}/users/uk_a`;
    const claims = (subject: string, issuer: string, from = Date.now(), days = 30) => ({
      "@context": ["https://www.w3.org/ns/credentials/v2"],
      type: ["VerifiableCredential", "PhysicianAttestation"],
      issuer,
      validFrom: new Date(from).toISOString(),
      validUntil: new Date(from + days * DAY).toISOString(),
      credentialSubject: {
        id: subject,
        specialty: { system: "http://nucc.org/provider-taxonomy", code: "207RC0000X", label: "Cardiology" },
        jurisdiction: "GB",
      },
    });
    const sign = (payload: object, key: CryptoKey, kid: string, iss: string, sub: string, exp: number) =>
      new SignJWT(payload as Record<string, unknown>)
        .setProtectedHeader({ alg: "EdDSA", typ: "vc+jwt", cty: "vc", kid })
        .setIssuer(iss)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(Math.floor(exp / 1000))
        .sign(key);

    const stranger = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const [, usEd] = await us.services.keys.keyPairs(INSTANCE_KEY_OWNER);
    const ukIssuer = `${uk.origin}/actor`;
    const usIssuer = `${us.origin}/actor`;
    const forgeries: [string, string][] = [
      [
        "wrong key",
        await sign(claims(subjectA, ukIssuer), stranger.privateKey, credentialKeyId(uk.origin), ukIssuer, subjectA, Date.now() + 30 * DAY),
      ],
      ["subject swapped", genuineB],
      [
        "issuer of another origin",
        await sign(claims(subjectA, usIssuer), usEd!.privateKey, credentialKeyId(us.origin), usIssuer, subjectA, Date.now() + 30 * DAY),
      ],
    ];
    const reasons: Record<string, string> = {};
    for (const [what, jwt] of forgeries) {
      await sendActorWithCredential("uk_a", jwt);
      const body = await eventually(async () => {
        const b = await credentialOnUs("uk_a");
        return b.credential === jwt && b.check.checked_at ? b : null;
      }, `US to check the ${what} credential`);
      expect({ what, valid: body.check.valid }).toEqual({ what, valid: false });
      reasons[what] = body.check.reason;
    }
    expect(reasons).toEqual({
      "wrong key": "signature does not verify with the issuer's keys",
      "subject swapped": "credential is about another actor",
      "issuer of another origin": "issued by another origin than the actor's",
    });
    // While the forged credential stands, uk_a's posts do not show on US.
    const post = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDocs["uk_a"]!.token,
      json: { status: "Posted with a forged credential on file" },
    });
    await quiet([uk, us], "the post delivered and applied on US");
    expect(await findByUri(us, usToken, post.body.uri)).toBeUndefined();
    const account = await api(us, "GET", `/api/v1/accounts/${await resolveAccount(us, usToken, "uk_a", uk)}`, { token: usToken });
    expect(account.body.verified).toBe(false);
    expect(account.body.fields.some((f: { name: string }) => f.name === "Verification")).toBe(false);
  });

  it("an expired credential is refused", async () => {
    const before = await credentialOnUs("uk_c");
    expect(before.check.valid).toBe(true);
    us.services.clock.advance(31 * DAY);
    try {
      await us.services.verifier.recheck(us.services.directory.findRemoteByUri(`${uk.origin}/users/uk_c`)!);
      const after = await credentialOnUs("uk_c");
      expect(after.check).toMatchObject({ valid: false, reason: "expired" });
    } finally {
      us.services.clock.advance(-31 * DAY);
      await us.services.verifier.recheck(us.services.directory.findRemoteByUri(`${uk.origin}/users/uk_c`)!);
    }
  });

  it("revocation on UK reaches US and hides the actor's new posts", async () => {
    const visible = await api(uk, "POST", "/api/v1/statuses", { token: ukDocs["uk_d"]!.token, json: { status: "Before revocation" } });
    await eventually(() => findByUri(us, usToken, visible.body.uri), "the post before revocation");
    // The verifier records that the licence lapsed yesterday: the credential is withdrawn at once.
    const id = uk.services.accounts.findByUsername("uk_d")!.id;
    const lapsed = await api(uk, "POST", `/api/v1/admin/accounts/${id}/licence`, {
      token: ukStaff,
      json: { expires_at: new Date(Date.now() - DAY).toISOString().slice(0, 10) },
    });
    expect(lapsed.status).toBe(200);
    await eventually(async () => (await credentialOnUs("uk_d")).check.valid === false, "US to see the revocation");
    const after = await api(uk, "POST", "/api/v1/statuses", { token: ukDocs["uk_d"]!.token, json: { status: "After revocation" } });
    await quiet([uk, us], "the post delivered and applied on US");
    expect(await findByUri(us, usToken, after.body.uri)).toBeUndefined();
  });

  it("suspending a federated physician answers 200, and the peer sees the credential withdrawn at once", async () => {
    const suspendee = await approvedPhysician(uk, ukStaff, { username: "uk_suspended", specialty: "cardiology" });
    const before = await api(uk, "POST", "/api/v1/statuses", { token: suspendee.token, json: { status: "Before the suspension" } });
    await eventually(() => findByUri(us, usToken, before.body.uri), "the post before the suspension");
    expect((await credentialOnUs("uk_suspended")).check.valid).toBe(true);
    const suspended = await api(uk, "POST", `/api/v1/admin/accounts/${suspendee.id}/action`, {
      token: ukStaff,
      json: { type: "suspend", text: "licence under review" },
    });
    expect(suspended.status).toBe(200);
    expect(uk.services.accounts.get(suspendee.id)?.status).toBe("suspended");
    // The withdrawal is signed by UK's instance actor (the physician's keys are no longer served).
    await eventually(
      async () => {
        const actor = us.services.directory.findRemoteByUri(`${uk.origin}/users/uk_suspended`);
        return actor?.credentialStatus !== "valid";
      },
      "US to see the credential withdrawn",
      5_000,
    );
    expect(await findByUri(us, usToken, before.body.uri)).toBeUndefined();
  });

  it("a suspension from the command line reaches the peer through the running server's queue", async () => {
    const suspendee = await approvedPhysician(uk, ukStaff, { username: "uk_cli_suspended", specialty: "cardiology" });
    const before = await api(uk, "POST", "/api/v1/statuses", { token: suspendee.token, json: { status: "Before the CLI suspension" } });
    await eventually(() => findByUri(us, usToken, before.body.uri), "the post before the suspension");
    expect((await credentialOnUs("uk_cli_suspended")).check.valid).toBe(true);
    // The CLI as an operator runs it, a second process on UK's database while UK's server runs.
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      const child = fork(new URL("../../src/cli.ts", import.meta.url), ["accounts", "suspend", suspendee.id, "--note", "licence lapsed"], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, ...uk.env },
        stdio: "pipe",
      });
      let output = "";
      child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      child.once("exit", (code) => resolve({ code: code ?? 1, output }));
    });
    expect(result, result.output).toMatchObject({ code: 0 });
    expect(result.output).toContain("suspended");
    await eventually(
      async () => us.services.directory.findRemoteByUri(`${uk.origin}/users/uk_cli_suspended`)?.credentialStatus !== "valid",
      "US to see the credential withdrawn",
      30_000,
    );
    expect(await findByUri(us, usToken, before.body.uri)).toBeUndefined();
  }, 60_000);

  it("is re-issued before expiry, on a clock the test advances", async () => {
    const account = () => uk.services.accounts.findByUsername("uk_b")!;
    const first = account().credential!;
    const firstExpiry = account().credentialExpiresAt!.getTime();
    uk.services.clock.advance(20 * DAY);
    expect(await uk.services.credentialLifecycle.renewDue()).toMatchObject({ renewed: 0 });
    uk.services.clock.advance(4 * DAY);
    const result = await uk.services.credentialLifecycle.renewDue();
    expect(result.renewed).toBeGreaterThanOrEqual(1);
    expect(account().credential).not.toBe(first);
    expect(account().credentialExpiresAt!.getTime()).toBeGreaterThan(firstExpiry);
    us.services.clock.advance(24 * DAY);
    await eventually(async () => {
      const body = await credentialOnUs("uk_b");
      return body.credential === account().credential && body.check.valid;
    }, "US to verify the renewed credential");
  });
});
