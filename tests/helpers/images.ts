import sharp from "sharp";

/** Inserts a JPEG comment (COM) segment right after the SOI marker. */
function withJpegComment(jpeg: Buffer, comment: string): Buffer {
  const text = Buffer.from(comment, "latin1");
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  text.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

export const CAMERA_SERIAL = "SN-CAM-4471920";
export const SECRET_COMMENT = "Patient Zebedee Holloway bed 12";

/**
 * A 200x100 JPEG, red on the left and blue on the right, stored with EXIF
 * orientation 6 (display rotated 90 degrees clockwise), GPS coordinates, a
 * camera serial number and a comment: everything the upload must remove.
 */
export async function taggedJpeg(): Promise<Buffer> {
  const left = await sharp({ create: { width: 100, height: 100, channels: 3, background: { r: 220, g: 20, b: 20 } } })
    .png()
    .toBuffer();
  const jpeg = await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 20, g: 20, b: 220 } } })
    .composite([{ input: left, left: 0, top: 0 }])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "ExampleCam", Model: "X100" },
      IFD2: { BodySerialNumber: CAMERA_SERIAL },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();
  return withJpegComment(jpeg, SECRET_COMMENT);
}
