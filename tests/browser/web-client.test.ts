import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken, syntheticApplicant } from "../helpers/client.ts";
import { launchChromium, servePage } from "../helpers/browser.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, peer, resolveAccount } from "../helpers/network.ts";

/**
 * A physician in a browser client: a page on another origin registers an
 * app, signs in through /oauth/authorize, posts and reads the home timeline
 * with fetch, and gets a peer's post over the streaming API within a second.
 * Then the browser URLs of people and posts, for members and strangers.
 */
describe("a browser client on another origin", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let browser: Browser;
  let client: Awaited<ReturnType<typeof servePage>>;
  const alice = syntheticApplicant({ username: "alice_md" });
  let aliceId: string;
  let bob: Awaited<ReturnType<typeof approvedPhysician>>;
  let carol: Awaited<ReturnType<typeof approvedPhysician>>;
  let page: Page;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    const staff = { uk: await ownerToken(uk), us: await ownerToken(us) };
    const aliceAccount = await approvedPhysician(uk, staff.uk, alice);
    aliceId = aliceAccount.id;
    carol = await approvedPhysician(uk, staff.uk, { username: "carol_md" });
    bob = await approvedPhysician(us, staff.us, { username: "bob_md", license_jurisdiction: "US-CA" });
    await peer(uk, staff.uk, us, staff.us);
    const bobOnUk = await resolveAccount(uk, aliceAccount.token, "bob_md", us);
    await api(uk, "POST", `/api/v1/accounts/${bobOnUk}/follow`, { token: aliceAccount.token });
    await eventually(
      async () =>
        (await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${bobOnUk}`, { token: aliceAccount.token })).body[0]?.following,
      "alice's follow of bob",
    );
    client = await servePage(readFileSync(new URL("fixtures/web-client.html", import.meta.url), "utf8"));
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    await instances.closeAll();
  });

  const signIn = async (target: Page, email: string, password: string) => {
    await target.fill("#email", email);
    await target.fill("#password", password);
    await Promise.all([target.waitForLoadState(), target.click("button[type=submit]")]);
  };

  it("registers, signs in through the authorize page, posts, reads home, and streams a peer's post within a second", async () => {
    await page.goto(`${client.origin}/?server=${encodeURIComponent(uk.origin)}`);
    await page.waitForURL((url) => url.origin === uk.origin && url.pathname === "/oauth/authorize");
    await signIn(page, alice.email, alice.password);
    await page.click("button[name=decision][value=approve]");
    await page.waitForSelector("body[data-state=ready]", { timeout: 10_000 });
    expect(new URL(page.url()).origin).toBe(client.origin);

    const me = await page.evaluate(() => (window as any).client.me());
    expect(me.body).toMatchObject({ username: "alice_md" });
    const posted = await page.evaluate(() => (window as any).client.post("Posted from a browser on another origin"));
    expect(posted.status).toBe(200);
    const home = await page.evaluate(() => (window as any).client.home());
    expect(home.body.map((s: { id: string }) => s.id)).toContain(posted.body.id);
    // Link is exposed to the page (pagination works from a browser).
    expect(home.link).toMatch(/max_id=/);

    const protocol = await page.evaluate(() => (window as any).client.stream("user"));
    expect(protocol).not.toBe("");
    // The page's stream is open on UK before the peer posts.
    await eventually(() => uk.streaming.size > 0, "the page's stream open on UK");
    const sentAt = Date.now();
    const remote = await api(us, "POST", "/api/v1/statuses", { token: bob.token, json: { status: "Live from the peer instance" } });
    expect(remote.status).toBe(200);
    const handle = await page.waitForFunction(
      () =>
        (window as any).client.events.find(
          (e: { event: string; payload?: string }) => e.event === "update" && e.payload?.includes("Live from the peer instance"),
        ),
      null,
      { timeout: 5_000 },
    );
    const event = (await handle.jsonValue()) as { at: number; stream: string[] };
    console.log(`browser stream: a peer's post reached the page ${event.at - sentAt} ms after it was posted`);
    expect(event.stream).toEqual(["user"]);
    expect(event.at - sentAt).toBeLessThan(1000);
  });

  it("shows people and posts to a signed-in member, and a sign-in page to anyone else", async () => {
    const aliceJson = (await api(uk, "GET", `/api/v1/accounts/${aliceId}`, { token: carol.token })).body;
    const open = (await api(uk, "POST", "/api/v1/statuses", { token: carol.token, json: { status: "Open to all members" } })).body;
    const mine = (
      await api(uk, "POST", "/api/v1/statuses", { token: carol.token, json: { status: "Carol for followers only", visibility: "private" } })
    ).body;

    // Alice signed in on the authorize page: the same session shows people and posts.
    await page.goto(aliceJson.url);
    expect(await page.textContent("main")).toContain("Posted from a browser on another origin");
    await page.goto(open.url);
    expect(await page.textContent("main")).toContain("Open to all members");
    // Not a follower of carol: the followers-only post is not there for her.
    const hidden = await page.goto(mine.url);
    expect(hidden!.status()).toBe(404);
    expect(await page.textContent("main")).not.toContain("Carol for followers only");

    // A stranger is sent to sign in, and sees none of it.
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(open.url);
    expect(new URL(stranger.url()).pathname).toBe("/auth/sign_in");
    expect(await stranger.content()).not.toContain("Open to all members");
    // Signing in there returns to the post.
    await signIn(stranger, carol.applicant.email, carol.applicant.password);
    expect(stranger.url()).toBe(open.url);
    expect(await stranger.textContent("main")).toContain("Open to all members");
    await stranger.goto(mine.url);
    expect(await stranger.textContent("main")).toContain("Carol for followers only");
    await stranger.context().close();
  });
});
