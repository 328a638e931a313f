import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRestAPIClient } from "masto";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apply, createApp, loginThroughForms, syntheticApplicant } from "../helpers/client.ts";
import { launchChromium } from "../helpers/browser.ts";
import { totpCode } from "../helpers/console.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

// CONSOLE_SCREENSHOTS=1 writes README's screenshots (docs/screenshots); otherwise they go to a temporary directory.
const SHOTS = process.env["CONSOLE_SCREENSHOTS"]
  ? new URL("../../docs/screenshots/", import.meta.url).pathname
  : join(tmpdir(), "consilium-shots");
const GB_SAMPLE = readFileSync(new URL("../fixtures/registers/gb-lrmp-sample.csv", import.meta.url), "utf8");

/** A screenshot, as a small palette PNG (README shows these). */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  const png = await sharp(await page.screenshot({ fullPage }))
    .png({ palette: true, colors: 64, compressionLevel: 9 })
    .toBuffer();
  writeFileSync(join(SHOTS, `${name}.png`), png);
}

/** A synthetic GMC extract: the sample's rows and enough made-up ones that the import takes a moment. */
function largeExtract(rows: number): string {
  const lines = GB_SAMPLE.trimEnd().split("\n");
  for (let i = 0; i < rows; i++) {
    lines.push(
      `${6000000 + i},Synthname${i},Testa ${i % 97},F,2001,Example University,Registered with a licence to practise,2002-08-01,N,Y,General medicine`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The staff console in Chromium: the owner sets up a second factor and adds
 * a verifier; the verifier sets up theirs, imports a register extract and
 * watches it, opens an application with a reason and approves it; the
 * physician then signs in from a Mastodon client.  Then a rejection the
 * applicant reads on their page.
 */
describe("the staff console in a browser", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let browser: Browser;
  const applicant = syntheticApplicant({
    username: "echo_reader",
    legal_name: "Adaeze Okonkwo-Hart",
    license_number: "7012345",
    specialty: "cardiology",
  });
  let applicantId: string;
  let verifier: Page;
  let secret: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    instances = await startInstances(1, [{ name: "UK Medical Council" }]);
    uk = instances[0]!;
    const owner = await uk.services.accounts.createStaff({
      username: "council_owner",
      email: "owner@council.example",
      password: "owner password 1",
      role: "owner",
    });
    uk.services.settings.update(owner.id, { staffSecondFactorRequired: true });
    applicantId = (await apply(uk, applicant)).id;
    for (const [i, name] of ["Osei", "Brennan", "Watanabe"].entries()) {
      await apply(
        uk,
        syntheticApplicant({
          username: `applicant_${name.toLowerCase()}`,
          specialty: ["dermatology", "neurology", "cardiology"][i]!,
          license_jurisdiction: i === 1 ? "IE" : "GB",
        }),
      );
    }
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await instances.closeAll();
  });

  /** Signs in at /admin; sets the second factor up when asked; returns the TOTP secret. */
  async function signIn(page: Page, email: string, password: string): Promise<string> {
    await page.goto(`${uk.origin}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/sign_in");
    await page.fill("#email", email);
    await page.fill("#password", password);
    await Promise.all([page.waitForURL(/second_factor\/setup/), page.click("button[type=submit]")]);
    expect(await page.locator("figure svg").count()).toBe(1);
    const totp = (await page.textContent("#totp-secret"))!.trim();
    await page.fill("#code", totpCode(totp));
    await Promise.all([page.waitForLoadState(), page.click("button[type=submit]")]);
    expect((await page.textContent("#recovery-codes"))!.trim().split("\n")).toHaveLength(10);
    await Promise.all([page.waitForURL(`${uk.origin}/admin`), page.click("text=Continue to the console")]);
    return totp;
  }

  it("from nothing to an approved physician: second factors, a register import watched, an identity opened with a reason, approval, a client signs in", async () => {
    const ownerPage = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    await signIn(ownerPage, "owner@council.example", "owner password 1");
    // The owner adds the first verifier.
    await ownerPage.click("nav >> text=Accounts");
    await ownerPage.fill("#staff-username", "verifier_one");
    await ownerPage.fill("#staff-email", "verifier.one@council.example");
    await ownerPage.fill("#staff-password", "temporary pass 1");
    await ownerPage.selectOption("#staff-role", "verifier");
    await Promise.all([
      ownerPage.waitForURL(/\/admin\/accounts\/\d+$/),
      ownerPage.click("form[aria-label='Add a staff member'] button[type=submit]"),
    ]);
    expect(await ownerPage.textContent(".flash")).toContain("@verifier_one can now sign in as verifier");

    verifier = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    secret = await signIn(verifier, "verifier.one@council.example", "temporary pass 1");
    await shot(verifier, "dashboard");
    expect(await verifier.textContent(".cards")).toContain("applications waiting");

    // The import runs in the background; the page shows it moving, also after a reload.
    await verifier.click("nav >> text=Register imports");
    await verifier.setInputFiles("#file", { name: "lrmp.csv", mimeType: "text/csv", buffer: Buffer.from(largeExtract(25_000)) });
    await Promise.all([verifier.waitForURL(/\/admin\/registers\/\d+$/), verifier.click("button[type=submit] >> text=Import")]);
    const seen = await verifier.waitForFunction(
      () => {
        const bar = document.querySelector("progress");
        return bar && bar.value > 0 && bar.value < bar.max ? { value: bar.value, max: bar.max } : null;
      },
      null,
      { timeout: 20_000, polling: 50 },
    );
    const midway = (await seen.jsonValue()) as { value: number; max: number };
    expect(midway.value).toBeLessThan(midway.max);
    await verifier.reload();
    await verifier.waitForFunction(() => document.getElementById("import-state")?.textContent === "done", null, { timeout: 60_000 });
    expect(await verifier.textContent("#imported")).toBe(String(25_000 + GB_SAMPLE.trim().split("\n").length - 1 - 0));
    expect(Number(await verifier.textContent("#matches-changed"))).toBeGreaterThanOrEqual(1);

    // The queue, oldest first; the application without its identity until a reason is given.
    await verifier.click("nav >> text=Verification queue");
    await shot(verifier, "queue");
    expect(await verifier.textContent("table")).toContain("@echo_reader");
    await verifier.click("text=@echo_reader");
    expect(await verifier.textContent("main")).not.toContain("Okonkwo");
    expect(await verifier.textContent("main")).toContain("exact");
    await shot(verifier, "application", true);
    await verifier.fill("#reason", "licence check for the application");
    await Promise.all([verifier.waitForLoadState(), verifier.click("text=Open the identity")]);
    expect(await verifier.textContent("#legal-name")).toBe("Adaeze Okonkwo-Hart");
    expect(await verifier.textContent("main")).toContain("GMC List of Registered Medical Practitioners");
    await verifier.fill("#approve-note", "register entry matches");
    await Promise.all([verifier.waitForURL(`${uk.origin}/admin/applications`), verifier.click("button >> text=Approve")]);
    expect(await verifier.textContent(".flash")).toContain("@echo_reader approved.");
    expect(uk.services.accounts.get(applicantId)!.status).toBe("approved");

    // The physician signs in from a Mastodon client.
    const app = await createApp(uk, "read write follow");
    const login = await loginThroughForms(uk, app, applicant.email, applicant.password);
    const masto = createRestAPIClient({ url: uk.origin, accessToken: login.token! });
    expect(await masto.v1.accounts.verifyCredentials()).toMatchObject({ username: "echo_reader" });

    // The audit log shows it, with the verifier as the actor.
    await verifier.click("nav >> text=Audit log");
    const log = await verifier.textContent("table");
    expect(log).toContain("identity.read");
    expect(log).toContain("licence check for the application");
    expect(log).toContain("@verifier_one");
    await ownerPage.context().close();
  }, 120_000);

  it("rejects with a reason, which the applicant reads on their application page", async () => {
    const rejected = syntheticApplicant({ username: "no_register_entry" });
    const { id } = await apply(uk, rejected);
    // Signed in a minute ago: a fresh session needs the next code.
    await verifier.goto(`${uk.origin}/admin/applications/${id}`);
    if (new URL(verifier.url()).pathname === "/admin/second_factor") {
      await verifier.fill("#code", totpCode(secret, 1));
      await verifier.click("button[type=submit]");
      await verifier.goto(`${uk.origin}/admin/applications/${id}`);
    }
    await verifier.fill("#reject-reason", "We could not find your licence on the register; apply again once it is listed.");
    await Promise.all([verifier.waitForURL(`${uk.origin}/admin/applications`), verifier.click("button.danger >> text=Reject")]);
    expect(uk.services.accounts.get(id)!.status).toBe("rejected");

    const applicantPage = await (await browser.newContext()).newPage();
    await applicantPage.goto(`${uk.origin}/apply/status`);
    await applicantPage.fill("#email", rejected.email);
    await applicantPage.fill("#password", rejected.password);
    await Promise.all([applicantPage.waitForURL(`${uk.origin}/apply/status`), applicantPage.click("button[type=submit]")]);
    expect(await applicantPage.textContent("#application-status")).toContain("not approved");
    expect(await applicantPage.textContent("#application-messages")).toContain("We could not find your licence on the register");
    await applicantPage.context().close();
  });
});
