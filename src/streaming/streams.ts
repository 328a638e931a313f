/**
 * Mastodon's streams: which one a subscriber asked for, with its parameter.
 * The key ("hashtag:local:cardiology", "list:123") identifies a subscription.
 */
export const STREAM_NAMES = [
  "user",
  "user:notification",
  "public",
  "public:media",
  "public:local",
  "public:local:media",
  "public:remote",
  "public:remote:media",
  "hashtag",
  "hashtag:local",
  "list",
  "direct",
] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export interface StreamSpec {
  readonly name: StreamName;
  /** The tag (hashtag streams) or list id (list). */
  readonly param: string | null;
  readonly key: string;
  /** What Mastodon puts in a WebSocket event's `stream` field. */
  readonly label: string[];
}

export class StreamError extends Error {}

export function parseStream(
  name: string | undefined,
  params: { tag?: string | null; list?: string | null; onlyMedia?: boolean },
): StreamSpec {
  let stream = (name ?? "") as StreamName;
  if (params.onlyMedia && /^public(:local|:remote)?$/.test(stream)) stream = `${stream}:media` as StreamName;
  if (!STREAM_NAMES.includes(stream)) throw new StreamError("Unknown stream type");
  if (stream === "hashtag" || stream === "hashtag:local") {
    const tag = (params.tag ?? "").replace(/^#/, "").toLowerCase();
    if (!tag) throw new StreamError("Missing tag name parameter");
    return { name: stream, param: tag, key: `${stream}:${tag}`, label: [stream, tag] };
  }
  if (stream === "list") {
    const list = params.list ?? "";
    if (!/^\d{1,20}$/.test(list)) throw new StreamError("Missing list name parameter");
    return { name: stream, param: list, key: `list:${list}`, label: ["list", list] };
  }
  return { name: stream, param: null, key: stream, label: [stream] };
}

/** How long a stream may stay silent, and how much a client may leave unread before it is dropped. */
export interface StreamingLimits {
  readonly maxBufferedBytes?: number;
  readonly heartbeatMs?: number;
}
