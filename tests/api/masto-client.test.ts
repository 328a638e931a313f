import { createOAuthAPIClient, createRestAPIClient } from "masto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvedPhysician, authorizeThroughForms, ownerToken } from "../helpers/client.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

describe("a real Mastodon client library (masto.js v8)", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let physician: Awaited<ReturnType<typeof approvedPhysician>>;
  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    physician = await approvedPhysician(uk, await ownerToken(uk), { display_name: "Masto Tester" });
  });
  afterAll(() => instances.closeAll());

  it("creates an app, exchanges tokens and reads the account", async () => {
    const anonymous = createRestAPIClient({ url: uk.origin });
    const instance = await anonymous.v2.instance.fetch();
    expect(instance.version).toMatch(/^4\.3\.0 \(compatible; Consilium/);
    expect(instance.registrations.approvalRequired).toBe(true);

    const app = await anonymous.v1.apps.create({
      clientName: "masto.js test",
      redirectUris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read write",
    });
    expect(app.clientId).toBeTruthy();
    expect(app.clientSecret).toBeTruthy();

    const oauth = createOAuthAPIClient({ url: uk.origin });
    const appToken = await oauth.token.create({
      grantType: "client_credentials",
      clientId: app.clientId!,
      clientSecret: app.clientSecret!,
      redirectUri: "urn:ietf:wg:oauth:2.0:oob",
      scope: "read",
    });
    const asApp = createRestAPIClient({ url: uk.origin, accessToken: appToken.accessToken });
    const verified = await asApp.v1.apps.verifyCredentials();
    expect(verified.name).toBe("masto.js test");

    // masto.js does not do PKCE, so this code is issued without a challenge.
    const authorized = await authorizeThroughForms(
      uk,
      { client_id: app.clientId! },
      physician.applicant.email,
      physician.applicant.password,
      "read write",
      { pkce: false },
    );
    expect(authorized.code).toBeTruthy();
    const userToken = await oauth.token.create({
      grantType: "authorization_code",
      clientId: app.clientId!,
      clientSecret: app.clientSecret!,
      redirectUri: "urn:ietf:wg:oauth:2.0:oob",
      code: authorized.code!,
    });
    const client = createRestAPIClient({ url: uk.origin, accessToken: userToken.accessToken });
    const me = await client.v1.accounts.verifyCredentials();
    expect(me.username).toBe(physician.applicant.username);
    expect(me.displayName).toBe("Masto Tester");
    const same = await client.v1.accounts.$select(me.id).fetch();
    expect(same.id).toBe(me.id);
    expect(await client.v1.customEmojis.list()).toEqual([]);

    await oauth.revoke({ clientId: app.clientId!, clientSecret: app.clientSecret!, token: userToken.accessToken });
    await expect(client.v1.accounts.verifyCredentials()).rejects.toThrow();
  });
});
