import exifr from "exifr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken, uploadMedia } from "../helpers/client.ts";
import { taggedJpeg } from "../helpers/images.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually, findByUri, peer } from "../helpers/network.ts";
import { signedFetch } from "../helpers/signed.ts";

describe("the PHI guard on posts and the images that federate", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance, us: TestInstance;
  let ukDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let usDoc: Awaited<ReturnType<typeof approvedPhysician>>;
  let ukStaff: string;

  beforeAll(async () => {
    instances = await startInstances(2);
    [uk, us] = instances as unknown as [TestInstance, TestInstance];
    ukStaff = await ownerToken(uk);
    const usStaff = await ownerToken(us);
    ukDoc = await approvedPhysician(uk, ukStaff, { username: "uk_doc" });
    usDoc = await approvedPhysician(us, usStaff, { username: "us_doc" });
    await peer(uk, ukStaff, us, usStaff);
  }, 60_000);
  afterAll(() => instances.closeAll());

  const count = (inst: TestInstance, table: string) =>
    (inst.services.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it("blocks a post or case that identifies a patient, and stores and queues nothing", async () => {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "x.jpg");
    const media = await api(uk, "POST", "/api/v1/media", { token: ukDoc.token, body: form });
    const before = { statuses: count(uk, "statuses"), queue: count(uk, "fedify_queue"), search: count(uk, "status_search") };
    const blocked = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "Mrs Edith Crane, DOB 12/04/1948, NHS number 943 476 5919: thoughts?", media_ids: [media.body.id] },
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error).toMatch(/may identify a patient/);
    expect(blocked.body.details.map((d: { type: string }) => d.type)).toEqual(["name", "date", "nhs_number"]);
    const blockedCase = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "", case: { kind: "help", title: "Odd rash", history: "Seen at 14 Larkspur Close on 3rd March 2024." } },
    });
    expect(blockedCase.status).toBe(422);
    expect(blockedCase.body.details.map((d: { field: string }) => d.field)).toEqual(["case.history", "case.history"]);
    expect({ statuses: count(uk, "statuses"), queue: count(uk, "fedify_queue"), search: count(uk, "status_search") }).toEqual(before);
    expect(uk.services.media.get(media.body.id)!.statusId).toBeNull();
    // Ordinary clinical writing passes.
    const fine = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "BP 142/88, HbA1c 7.2%, day 3 post-op: restart apixaban?" },
    });
    expect(fine.status).toBe(200);
  });

  it("an attached image reaches the peer as its own clean copy behind its own signed link", async () => {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "x.jpg");
    form.set("description", "Target lesions on the palm");
    const media = await uploadMedia(uk, ukDoc.token, form);
    const post = await api(uk, "POST", "/api/v1/statuses", {
      token: ukDoc.token,
      json: { status: "Erythema multiforme?", media_ids: [media.body.id] },
    });
    expect(post.body.media_attachments).toHaveLength(1);
    const remote = await eventually(async () => {
      const s = await findByUri(us, usDoc.token, post.body.uri);
      return s?.media_attachments?.length === 1 ? s : null;
    }, "the image on US");
    const attachment = remote.media_attachments[0];
    expect(attachment.url.startsWith(us.origin)).toBe(true);
    expect(attachment.description).toBe("Target lesions on the palm");
    expect(attachment.meta.original).toMatchObject({ width: 100, height: 200 });
    const image = await fetch(attachment.url);
    expect(image.status).toBe(200);
    const bytes = Buffer.from(await image.arrayBuffer());
    // The parse succeeds (a JPEG it can read) and finds nothing: a parse error would not count as clean.
    expect(await exifr.parse(bytes, { gps: true })).toBeUndefined();
    expect((await fetch(attachment.url.split("?")[0])).status).toBe(403);
  });

  it("a peer's post with identifiers is held back and flagged for staff", async () => {
    // Forged at the source: a US physician's key signs a post its own guard would have refused.
    const account = us.services.accounts.findByUsername("us_doc")!;
    const [rsa] = await us.services.keys.keyPairs(account.id);
    const actor = (await (await signedFetch(uk, `${us.origin}/users/us_doc`)).json()) as { publicKey: { id: string } };
    const uri = `${us.origin}/users/us_doc/statuses/999001`;
    const body = JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${uri}#create`,
      type: "Create",
      actor: `${us.origin}/users/us_doc`,
      to: [`${us.origin}/users/__instance__/followers`],
      object: {
        id: uri,
        type: "Note",
        attributedTo: `${us.origin}/users/us_doc`,
        content: "<p>Patient Mr Walter Finch, SSN 219-09-9999, is back.</p>",
        published: new Date().toISOString(),
        to: [`${us.origin}/users/__instance__/followers`],
      },
    });
    const delivered = await signedFetch(us, `${uk.origin}/inbox`, {
      method: "POST",
      body,
      privateKey: rsa!.privateKey,
      keyId: new URL(actor.publicKey.id),
    });
    expect(delivered.status).toBeLessThan(300);
    const held = await eventually(() => uk.services.store.getByUri(uri), "the post stored as held");
    expect(held.held).toBe(true);
    expect(await findByUri(uk, ukDoc.token, uri)).toBeUndefined();
    const timeline = await api(uk, "GET", "/api/v1/timelines/public", { token: ukDoc.token });
    expect(timeline.body.map((s: { uri: string }) => s.uri)).not.toContain(uri);
    const audit = await api(uk, "GET", "/api/v1/consilium/audit_log", { token: ukStaff });
    expect(audit.body.some((e: { action: string; reason: string }) => e.action === "phi.held" && e.reason.includes(uri))).toBe(true);
  });
});
