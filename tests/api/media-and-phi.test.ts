import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken, uploadMedia } from "../helpers/client.ts";
import { taggedJpeg } from "../helpers/images.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";

describe("media and the PHI guard over HTTP", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let token: string;
  let otherToken: string;
  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    const staff = await ownerToken(uk);
    token = (await approvedPhysician(uk, staff)).token;
    otherToken = (await approvedPhysician(uk, staff)).token;
  });
  afterAll(() => instances.closeAll());

  const uploadForm = async (fields: Record<string, string> = {}, file?: Blob) => {
    const form = new FormData();
    form.set("file", file ?? new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "scan.jpg");
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return form;
  };

  it("refuses a French case naming its patient, and checks a draft in the language it is given", async () => {
    const text = "Mme Dupont, née le 3 mars 1950, IPP 80012345 : dyspnée d'effort, que proposez-vous ?";
    const refused = await api(uk, "POST", "/api/v1/statuses", { token, json: { status: text, language: "fr" } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/identify a patient/);
    const check = await api(uk, "POST", "/api/v1/consilium/phi/check", { token, json: { text, language: "fr" } });
    expect(check.body).toMatchObject({ ok: false, language: "fr" });
    expect([...new Set(check.body.findings.map((f: { type: string }) => f.type))].sort()).toEqual(["date", "mrn", "name"]);
    const clean = await api(uk, "POST", "/api/v1/consilium/phi/check", {
      token,
      json: { text: "Femme de 67 ans, FEVG 35 %, J3 post-opératoire, CRP 12,5 mg/l.", language: "fr" },
    });
    expect(clean.body).toMatchObject({ ok: true, findings: [] });
    expect((await api(uk, "POST", "/api/v1/consilium/phi/check", { token, json: { text: "x", language: "français" } })).status).toBe(422);
  });

  it("uploads, describes and serves an image only through signed links", async () => {
    const uploaded = await uploadMedia(uk, token, await uploadForm({ description: "Erythematous plaque, left shin", focus: "0.1,-0.2" }));
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({
      type: "image",
      description: "Erythematous plaque, left shin",
      meta: { original: { width: 100, height: 200 }, focus: { x: 0.1, y: -0.2 } },
    });
    const file = await fetch(uploaded.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/jpeg");
    const unsigned = uploaded.body.url.split("?")[0];
    expect((await fetch(unsigned)).status).toBe(403);
    expect((await fetch(uploaded.body.url.replace(/sig=[^&]+/, "sig=forged"))).status).toBe(403);

    const updated = await api(uk, "PUT", `/api/v1/media/${uploaded.body.id}`, { token, json: { description: "Plaque, left shin, day 3" } });
    expect(updated.body.description).toBe("Plaque, left shin, day 3");
    expect((await api(uk, "GET", `/api/v1/media/${uploaded.body.id}`, { token: otherToken })).status).toBe(404);
    expect((await api(uk, "GET", `/api/v1/media/${uploaded.body.id}`, { token })).status).toBe(200);
  });

  it("a link to the media of a deleted post stops working at once", async () => {
    const uploaded = await uploadMedia(uk, token, await uploadForm({ description: "Plaque" }));
    const posted = await api(uk, "POST", "/api/v1/statuses", { token, json: { status: "With an image", media_ids: [uploaded.body.id] } });
    const link = posted.body.media_attachments[0].url as string;
    const preview = posted.body.media_attachments[0].preview_url as string;
    expect((await fetch(link)).status).toBe(200);
    expect((await api(uk, "DELETE", `/api/v1/statuses/${posted.body.id}`, { token })).status).toBe(200);
    expect((await fetch(link)).status).toBe(404);
    expect((await fetch(preview)).status).toBe(404);
    const files = readdirSync(join(uk.dataDir, "media"));
    expect(files.filter((f) => f.startsWith(`${uploaded.body.id}.`))).toEqual([]);
  });

  it("refuses bad uploads with clear errors and stores nothing", async () => {
    const mediaDir = join(uk.dataDir, "media");
    const before = readdirSync(mediaDir).length;
    const notImage = await api(uk, "POST", "/api/v1/media", {
      token,
      body: await uploadForm({}, new Blob(["just text"], { type: "image/jpeg" })),
    });
    expect(notImage.status).toBe(422);
    expect(notImage.body.error).toMatch(/not an image/);
    const noFile = await api(uk, "POST", "/api/v1/media", { token, json: { description: "x" } });
    expect(noFile.status).toBe(422);
    const phi = await api(uk, "POST", "/api/v1/media", {
      token,
      body: await uploadForm({ description: "Photo of Mr Albert Quince taken 12/03/2024" }),
    });
    expect(phi.status).toBe(422);
    expect(phi.body.details.map((d: { type: string }) => d.type)).toEqual(["name", "date"]);
    const huge = new Blob([new Uint8Array(17 * 1024 * 1024)], { type: "image/jpeg" });
    const tooBig = await api(uk, "POST", "/api/v1/media", { token, body: await uploadForm({}, huge) });
    expect(tooBig.status).toBe(413);
    expect(readdirSync(mediaDir).length).toBe(before);
  });

  it("checks drafts and blocks PHI in profiles", async () => {
    const clean = await api(uk, "POST", "/api/v1/consilium/phi/check", { token, json: { text: "BP 142/88, HbA1c 7.2%, day 3 post-op." } });
    expect(clean.body).toEqual({ ok: true, language: "en", message: null, findings: [] });
    const dirty = await api(uk, "POST", "/api/v1/consilium/phi/check", {
      token,
      json: { text: "NHS number 943 476 5919, DOB 14/03/1958" },
    });
    expect(dirty.status).toBe(200);
    expect(dirty.body.ok).toBe(false);
    expect(dirty.body.message).toMatch(/NHS number/);
    expect(dirty.body.findings).toEqual([
      expect.objectContaining({ type: "nhs_number", start: 11, end: 23, text: "943 476 5919", field: "text" }),
      expect.objectContaining({ type: "date", text: "14/03/1958" }),
    ]);
    const profile = await api(uk, "PATCH", "/api/v1/accounts/update_credentials", {
      token,
      json: { note: "Ask me about the patient, Mabel Oduya, seen at 3 Cedar Road" },
    });
    expect(profile.status).toBe(422);
    expect(profile.body.details.map((d: { type: string }) => d.type)).toEqual(["name", "address"]);
    expect((await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token })).body.note).toBe("");
  });
});
