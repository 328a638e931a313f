import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, ownerToken, uploadMedia } from "../helpers/client.ts";
import { AS, FakePeer } from "../helpers/fake-peer.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { eventually } from "../helpers/network.ts";

/** An image with lines of text burned in, drawn here (an SVG rendered by sharp). */
async function imageWith(lines: string[], format: "png" | "jpeg" = "png"): Promise<Buffer> {
  const text = lines
    .map((l, i) => `<text x="40" y="${90 + i * 70}" font-family="DejaVu Sans, sans-serif" font-size="38" fill="black">${l}</text>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="${120 + lines.length * 70}"><rect width="100%" height="100%" fill="white"/><circle cx="900" cy="60" r="30" fill="#999"/>${text}</svg>`;
  const image = sharp(Buffer.from(svg));
  return format === "png" ? image.png().toBuffer() : image.jpeg({ quality: 92 }).toBuffer();
}

const form = (bytes: Buffer, type = "image/png") => {
  const f = new FormData();
  f.set("file", new Blob([new Uint8Array(bytes)], { type }), type === "image/png" ? "scan.png" : "scan.jpg");
  return f;
};

/**
 * Text burned into an image (a scanned letter, a radiograph's header, a
 * wristband) is read (tesseract.js, in the supported languages) and held to
 * the same guard as text: an upload naming a patient is refused with what was
 * found; a clean one is kept; a peer's image with a name in it holds the post.
 */
describe("text in images", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let staff: string;
  let doc: Awaited<ReturnType<typeof approvedPhysician>>;

  beforeAll(async () => {
    instances = await startInstances(1);
    [uk] = instances as unknown as [TestInstance];
    staff = await ownerToken(uk);
    doc = await approvedPhysician(uk, staff, { username: "ocr_doc" });
  }, 60_000);
  afterAll(() => instances.closeAll());

  it("holds an image with a name and a date burned in, off the request path, and says what it found", async () => {
    const accepted = await api(uk, "POST", "/api/v2/media", {
      token: doc.token,
      body: form(await imageWith(["Patient: John Smith", "DOB 14/03/1958  Ward 7"])),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.url).toBeNull();
    const result = await uploadMedia(uk, doc.token, form(await imageWith(["Patient: John Smith", "DOB 14/03/1958  Ward 7"])));
    expect(result.status).toBe(422);
    expect(result.body.error).toMatch(/identify a patient/);
    expect(result.body.error).toMatch(/name/);
    expect(result.body.error).toMatch(/date/);
    // Nothing can be attached meanwhile or after.
    const attach = await api(uk, "POST", "/api/v1/statuses", { token: doc.token, json: { status: "Scan", media_ids: [accepted.body.id] } });
    expect(attach.status).toBe(422);
  });

  it("reads the network's other languages in images too", async () => {
    const refused = await uploadMedia(
      uk,
      doc.token,
      form(await imageWith(["Mme Hélène Dupont", "née le 3 mars 1950, IPP 80012345"], "jpeg"), "image/jpeg"),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/identify a patient/);
  });

  it("keeps a clean image with clinical text", async () => {
    const kept = await uploadMedia(uk, doc.token, form(await imageWith(["CHEST PA  ERECT", "L  Inspiration adequate"])));
    expect(kept.status).toBe(200);
    expect(kept.body.url).toMatch(/\/media\//);
  });

  it("refuses such an image on the synchronous v1 upload at once", async () => {
    const refused = await api(uk, "POST", "/api/v1/media", {
      token: doc.token,
      body: form(await imageWith(["Name: Harold Pemberton", "MRN K4471290"])),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatch(/identify a patient/);
  });

  it("holds a peer's post whose image carries a name", async () => {
    const fake = await FakePeer.start();
    try {
      await fake.addUser("scanner");
      await fake.peerWith(uk, staff);
      const png = await imageWith(["Patient: Mary Jones", "DOB 02/11/1949"]);
      fake.routes.set("GET /media/scan.png", (_req, res) => void res.writeHead(200, { "Content-Type": "image/png" }).end(png));
      const id = `${fake.actorUri("scanner")}/statuses/scan`;
      const note = {
        "@context": AS,
        id: `${id}#create`,
        type: "Create",
        actor: fake.actorUri("scanner"),
        to: [`${fake.origin}/actor/followers`],
        object: {
          id,
          type: "Note",
          attributedTo: fake.actorUri("scanner"),
          content: "<p>Any thoughts?</p>",
          published: new Date().toISOString(),
          to: [`${fake.origin}/actor/followers`],
          attachment: [{ type: "Document", mediaType: "image/png", url: `${fake.origin}/media/scan.png` }],
        },
      };
      expect((await fake.post(`${uk.origin}/inbox`, note, "scanner")).status).toBe(202);
      const held = await eventually(
        () => {
          const status = uk.services.store.getByUri(id);
          return status?.held ? status : null;
        },
        "the peer's post held",
        30_000,
      );
      expect(held.held).toBeTruthy();
    } finally {
      await fake.close();
    }
  }, 60_000);
});
