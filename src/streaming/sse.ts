import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { queryFlag } from "../http/pagination.ts";
import { bearerToken, streamingViewer } from "./auth.ts";
import type { StreamConnection, StreamingHub } from "./hub.ts";
import { parseStream, type StreamingLimits, type StreamSpec, StreamError } from "./streams.ts";

/** The SSE paths and the stream each serves (`/api/v1/streaming?stream=` names it itself). */
const PATHS: Record<string, string> = {
  "": "",
  user: "user",
  "user/notification": "user:notification",
  public: "public",
  "public/local": "public:local",
  "public/remote": "public:remote",
  hashtag: "hashtag",
  "hashtag/local": "hashtag:local",
  list: "list",
  direct: "direct",
};

const encoder = new TextEncoder();

/**
 * Mastodon's server-sent event streams: each path one stream, events as
 * `event:`/`data:` lines, a `:thump` comment as heartbeat.  A client that
 * stops reading is dropped once its unread events pass the limit.
 */
export function sseRouter(hub: StreamingHub, options: StreamingLimits = {}) {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  return new Hono<AppEnv>()
    .get("/health", (c) => c.text("OK"))
    .get("/:path{.*}?", (c) => {
      const services = c.get("services");
      const path = (c.req.param("path") ?? "").replace(/\/$/, "");
      if (!(path in PATHS)) return c.json({ error: "Unknown channel requested" }, 400);
      const url = new URL(c.req.url);
      const token = bearerToken(c.req.header("authorization"), url.searchParams);
      const viewer = streamingViewer(services, token);
      if (!viewer) return c.json({ error: "Error: Invalid access token" }, 401);
      let spec: StreamSpec;
      try {
        spec = parseStream(PATHS[path] || url.searchParams.get("stream") || undefined, {
          tag: url.searchParams.get("tag"),
          list: url.searchParams.get("list"),
          onlyMedia: queryFlag(c, "only_media"),
        });
        if (spec.name === "list") services.lists.get(viewer.id, spec.param!);
      } catch (error) {
        return c.json({ error: error instanceof StreamError ? error.message : "Unknown list" }, error instanceof StreamError ? 400 : 404);
      }
      let connection: StreamConnection | null = null;
      let heartbeat: NodeJS.Timeout | undefined;
      const stop = () => {
        if (heartbeat) clearInterval(heartbeat);
        if (connection) hub.remove(connection);
      };
      const body = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            const write = (text: string) => {
              try {
                if ((controller.desiredSize ?? 0) < -maxBuffered) {
                  stop();
                  controller.close();
                  return;
                }
                controller.enqueue(encoder.encode(text));
              } catch {
                stop();
              }
            };
            connection = {
              viewer,
              subscriptions: new Map([[spec.key, spec]]),
              send: (_stream, event, payload) => write(`event: ${event}\ndata: ${payload ?? "undefined"}\n\n`),
            };
            hub.add(connection);
            write(":)\n");
            // Heartbeats; a revoked token or a suspended account ends the stream.
            heartbeat = setInterval(() => {
              if (streamingViewer(services, token)) return write(":thump\n");
              stop();
              try {
                controller.close();
              } catch {
                // Already closed by the client.
              }
            }, heartbeatMs);
            heartbeat.unref();
          },
          cancel: stop,
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }),
      );
      c.header("Content-Type", "text/event-stream; charset=utf-8");
      c.header("Cache-Control", "no-store");
      c.header("X-Accel-Buffering", "no");
      return c.body(body);
    });
}
