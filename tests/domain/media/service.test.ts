import exifr from "exifr";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../../src/db/client.ts";
import { DomainError } from "../../../src/domain/errors.ts";
import { MediaService } from "../../../src/domain/media/service.ts";
import { CAMERA_SERIAL, SECRET_COMMENT, taggedJpeg } from "../../helpers/images.ts";
import { tempDir } from "../../helpers/temp.ts";
import { readFileSync } from "node:fs";

describe("media re-encoding", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: DatabaseHandle;
  let media: MediaService;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(`${dir.path}/m.sqlite`);
    media = new MediaService(db.db, dir.path);
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  it("the input really carries GPS, serial, comment and orientation", async () => {
    const input = await taggedJpeg();
    const tags = await exifr.parse(input, { gps: true, exif: true, tiff: true });
    expect(tags.latitude).toBeCloseTo(51.5, 1);
    expect(tags.SerialNumber).toBe(CAMERA_SERIAL);
    expect(tags.Orientation).toBe("Rotate 90 CW");
    expect(input.includes(Buffer.from(SECRET_COMMENT))).toBe(true);
  });

  it("strips EXIF, GPS, serial numbers and comments and applies the orientation", async () => {
    const row = await media.upload({ accountId: "1", bytes: await taggedJpeg(), description: "Lateral chest film" });
    const output = readFileSync(media.filePath(row.fileName));
    // The parse succeeds on the re-encoded file and finds nothing (a parse error would not count as clean).
    expect(await exifr.parse(output, { gps: true, exif: true, tiff: true, xmp: true, iptc: true, icc: true })).toBeUndefined();
    expect(output.includes(Buffer.from(SECRET_COMMENT))).toBe(false);
    expect(output.includes(Buffer.from(CAMERA_SERIAL))).toBe(false);
    expect(output.includes(Buffer.from("ExampleCam"))).toBe(false);
    const meta = await sharp(output).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.comments ?? []).toEqual([]);
    // Orientation 6 turns the 200x100 landscape into a 100x200 portrait, red on top.
    expect([row.width, row.height]).toEqual([100, 200]);
    const { data, info } = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    expect(pixel(50, 20)[0]).toBeGreaterThan(150);
    expect(pixel(50, 180)[2]).toBeGreaterThan(150);
    expect(row.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,}$/);
  });

  it("refuses what is not a decodable image, with the reason", async () => {
    const refuse = (bytes: Uint8Array) => media.upload({ accountId: "1", bytes });
    await expect(refuse(new TextEncoder().encode("hello, not an image"))).rejects.toThrow(/not an image/);
    const dicom = new Uint8Array(300);
    dicom.set(new TextEncoder().encode("DICM"), 128);
    await expect(refuse(dicom)).rejects.toThrow(/DICOM/);
    const truncated = (await taggedJpeg()).subarray(0, 400);
    await expect(refuse(truncated)).rejects.toThrow(DomainError);
    const huge = await sharp({ create: { width: 8000, height: 5000, channels: 3, background: "#000" } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    await expect(refuse(huge)).rejects.toThrow(/too many pixels/);
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM media_attachments").get()).toEqual({ n: 0 });
  });

  it("refuses descriptions that identify a patient, storing nothing", async () => {
    await expect(
      media.upload({ accountId: "1", bytes: await taggedJpeg(), description: "CXR of Mrs Eleanor Finch, DOB 03/04/1950" }),
    ).rejects.toThrow(/identify a patient/);
    expect(db.sqlite.prepare("SELECT count(*) AS n FROM media_attachments").get()).toEqual({ n: 0 });
  });
});
