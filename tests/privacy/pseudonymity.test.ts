import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, apply, createApp, loginThroughForms, ownerToken, syntheticApplicant } from "../helpers/client.ts";
import { capturedLogs, startInstances, type TestInstance } from "../helpers/instances.ts";
import { peer } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

// Distinctive, synthetic identity: any appearance of these strings is a leak.
const LEGAL_NAME = "Ottoline Vasquez-Brennagh";
const SURNAME = "Vasquez-Brennagh";
const LICENCE = "7999431";
const EMAIL = "ottoline.private.inbox@example.test";
const SECRETS = [LEGAL_NAME, SURNAME, "Ottoline", LICENCE, EMAIL, "ottoline.private.inbox"];

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return SECRETS.filter((s) => lower.includes(s.toLowerCase()));
}

describe("pseudonymity", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let us: TestInstance;
  let staff: string;
  let token: string;
  let accountId: string;
  const username = "quiet_cardiologist";
  const seen: { where: string; text: string }[] = [];

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    staff = await ownerToken(uk);
    await peer(uk, staff, us, await ownerToken(us));
    // The register holds the same person: matching must not put them in clear on disk.
    const register = `GMC Ref No,Surname,Given Names,Gender,Year Of Qualification,Place of Qualification,Registration Status,Registration Date,GP Register,Specialist Register,Specialty\n${LICENCE},${SURNAME},Ottoline,F,2008,University of Nowhere,Registered with a licence to practise,2009-08-05,N,Y,Cardiology\n`;
    const imported = await api(uk, "POST", "/api/v1/consilium/registers", {
      token: staff,
      body: register,
      headers: { "Content-Type": "text/csv" },
    });
    expect(imported.status).toBe(200);
    const applicant = syntheticApplicant({
      username,
      legal_name: LEGAL_NAME,
      license_number: LICENCE,
      email: EMAIL,
      display_name: "Quiet Cardiologist",
    });
    ({ id: accountId } = await apply(uk, applicant));
    const review = await api(uk, "GET", `/api/v1/admin/accounts/${accountId}`, { token: staff });
    expect(review.body.consilium.identity.register_match).toBe("exact");
    await api(uk, "POST", `/api/v1/admin/accounts/${accountId}/approve`, { token: staff });
    const login = await loginThroughForms(uk, await createApp(uk), EMAIL, applicant.password);
    token = login.token!;
  });
  afterAll(() => instances.closeAll());

  it("nothing the network or the physician can read carries the identity", async () => {
    const host = new URL(uk.origin).host;
    const ap = { Accept: "application/activity+json" };
    const record = async (where: string, response: Response) => seen.push({ where, text: await response.text() });
    // The actor as a peer fetches it (authorized fetch), and what a stranger gets.
    await record("actor", await signedFetch(us, `${uk.origin}/users/${username}`));
    await record("actor, unsigned", await fetch(`${uk.origin}/users/${username}`, { headers: ap }));
    await record("instance actor", await fetch(`${uk.origin}/actor`, { headers: ap }));
    await record("webfinger", await fetch(`${uk.origin}/.well-known/webfinger?resource=acct:${username}@${host}`));
    for (const path of [
      "/.well-known/nodeinfo",
      "/nodeinfo/2.0",
      "/nodeinfo/2.1",
      "/.well-known/host-meta",
      "/api/v1/instance",
      "/api/v2/instance",
    ]) {
      await record(path, await fetch(`${uk.origin}${path}`));
    }
    for (const path of [
      "/api/v1/accounts/verify_credentials",
      `/api/v1/accounts/${accountId}`,
      `/api/v1/accounts/lookup?acct=${username}`,
      "/api/v1/preferences",
      "/api/v1/custom_emojis",
    ]) {
      await record(path, await fetch(`${uk.origin}${path}`, { headers: { Authorization: `Bearer ${token}` } }));
    }
    await record(
      "update_credentials",
      await fetch(`${uk.origin}/api/v1/accounts/update_credentials`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ note: "Interested in valve disease." }),
      }),
    );
    expect(seen.filter((s) => s.text.length === 0)).toEqual([]);
    const actor = JSON.parse(seen[0]!.text);
    expect(actor.preferredUsername).toBe(username);
    for (const { where, text } of seen) expect({ where, leaks: leaks(text) }).toEqual({ where, leaks: [] });
  });

  it("the server log never carries the identity", () => {
    expect(capturedLogs.length).toBeGreaterThan(10);
    expect(capturedLogs.filter((line) => leaks(line).length > 0)).toEqual([]);
  });

  it("the raw SQLite files hold no identity in clear text", () => {
    uk.services.database.sqlite.pragma("wal_checkpoint(FULL)");
    const files = readdirSync(uk.dataDir).filter((f) => f.startsWith("consilium.sqlite"));
    expect(files).toContain("consilium.sqlite");
    for (const file of files) {
      const bytes = readFileSync(join(uk.dataDir, file));
      const asLatin1 = bytes.toString("latin1");
      const asUtf16 = bytes.toString("utf16le");
      expect({ file, leaks: [...leaks(asLatin1), ...leaks(asUtf16)] }).toEqual({ file, leaks: [] });
    }
  });

  it("the verifier's review endpoint does show it, and that read is audited", async () => {
    const before = uk.services.audit.list({ subjectId: accountId }).filter((e) => e.action === "identity.read").length;
    const review = await api(uk, "GET", `/api/v1/admin/accounts/${accountId}?reason=licence%20check`, { token: staff });
    expect(review.body.consilium.identity.legal_name).toBe(LEGAL_NAME);
    const reads = uk.services.audit.list({ subjectId: accountId }).filter((e) => e.action === "identity.read");
    expect(reads.length).toBe(before + 1);
    expect(reads[0]!.reason).toBe("licence check");
    // A physician cannot reach the review endpoint.
    expect((await api(uk, "GET", `/api/v1/admin/accounts/${accountId}`, { token })).status).toBe(403);
  });
});
