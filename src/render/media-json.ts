import type { PendingMediaRow } from "../domain/media/processing.ts";
import type { MediaRow } from "../domain/media/service.ts";
import type { MediaUrlSigner } from "../domain/media/signed-urls.ts";

/** Mastodon's MediaAttachment entity, with signed URLs. */
export function mediaJson(media: MediaRow, urls: MediaUrlSigner) {
  const dims = (width: number, height: number) => ({ width, height, size: `${width}x${height}`, aspect: width / height });
  return {
    id: media.id,
    type: "image",
    url: urls.url(media.fileName),
    preview_url: urls.url(media.previewFileName),
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: {
      original: dims(media.width, media.height),
      small: dims(media.previewWidth, media.previewHeight),
      focus: { x: media.focusX, y: media.focusY },
    },
    description: media.description || null,
    blurhash: media.blurhash,
  };
}

/** An upload still being processed: Mastodon's shape with no URLs yet (206 on GET, 202 on upload). */
export function pendingMediaJson(pending: PendingMediaRow) {
  return {
    id: pending.id,
    type: "image",
    url: null,
    preview_url: null,
    remote_url: null,
    preview_remote_url: null,
    text_url: null,
    meta: null,
    description: pending.description || null,
    blurhash: null,
  };
}
