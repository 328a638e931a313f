import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Services } from "../services.ts";
import { bearerToken, streamingViewer } from "./auth.ts";
import type { StreamConnection, StreamingHub } from "./hub.ts";
import { parseStream, type StreamingLimits, type StreamSpec, StreamError } from "./streams.ts";

export const STREAMING_PATH = "/api/v1/streaming";

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 404 ? "Not Found" : "Bad Request"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Mastodon's multiplexed WebSocket at /api/v1/streaming, on the API's own
 * port.  The token comes in the Authorization header, the `access_token`
 * query, or as the WebSocket protocol (how Phanpy and Elk send it from a
 * browser, where no header can be set); the server echoes that protocol.
 * Built directly on `ws` for the protocol handling, frame limits and
 * `bufferedAmount` this needs.
 */
export function attachWebSocketStreaming(
  server: Server,
  hub: StreamingHub,
  services: Services,
  options: StreamingLimits = {},
): { close(): void } {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
    handleProtocols: (protocols) => [...protocols][0] ?? false,
  });
  const alive = new WeakMap<WebSocket, boolean>();
  const tokens = new WeakMap<WebSocket, string>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://streaming.invalid");
    if (url.pathname.replace(/\/$/, "") !== STREAMING_PATH) return refuse(socket, 404, "Unknown channel requested");
    const protocol = request.headers["sec-websocket-protocol"]?.split(",")[0]?.trim();
    const token = bearerToken(request.headers.authorization, url.searchParams) ?? protocol;
    const viewer = streamingViewer(services, token);
    if (!viewer || !token) return refuse(socket, 401, "Error: Invalid access token");
    let initial: StreamSpec | null = null;
    try {
      if (url.searchParams.get("stream")) {
        initial = parseStream(url.searchParams.get("stream")!, { tag: url.searchParams.get("tag"), list: url.searchParams.get("list") });
        if (initial.name === "list") services.lists.get(viewer.id, initial.param!);
      }
    } catch (error) {
      return refuse(socket, 400, error instanceof StreamError ? error.message : "Unknown list");
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: StreamConnection = {
        viewer,
        subscriptions: new Map(initial ? [[initial.key, initial]] : []),
        send(stream, event, payload) {
          if (ws.readyState !== ws.OPEN) return;
          // A client that stops reading is dropped, never buffered without bound.
          if (ws.bufferedAmount > maxBuffered) {
            ws.terminate();
            return;
          }
          ws.send(JSON.stringify(payload === undefined ? { stream, event } : { stream, event, payload }));
        },
      };
      hub.add(connection);
      tokens.set(ws, token);
      alive.set(ws, true);
      ws.on("pong", () => alive.set(ws, true));
      ws.on("message", (data) => {
        let message: { type?: unknown; stream?: unknown; tag?: unknown; list?: unknown };
        try {
          message = JSON.parse(data.toString());
        } catch {
          ws.send(JSON.stringify({ error: "Invalid JSON", status: 400 }));
          return;
        }
        if (message.type !== "subscribe" && message.type !== "unsubscribe") {
          ws.send(JSON.stringify({ error: "Unknown message type", status: 400 }));
          return;
        }
        try {
          const spec = parseStream(String(message.stream ?? ""), {
            tag: typeof message.tag === "string" ? message.tag : null,
            list: message.list == null ? null : String(message.list),
          });
          if (message.type === "subscribe") {
            if (spec.name === "list") services.lists.get(viewer.id, spec.param!);
            connection.subscriptions.set(spec.key, spec);
          } else {
            connection.subscriptions.delete(spec.key);
          }
        } catch (error) {
          ws.send(JSON.stringify({ error: error instanceof StreamError ? error.message : "Unknown list", status: 400 }));
        }
      });
      ws.on("close", () => hub.remove(connection));
      ws.on("error", () => hub.remove(connection));
    });
  };
  server.on("upgrade", onUpgrade);

  // Heartbeats: a client that misses one is gone; a revoked token ends the stream.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      if (!streamingViewer(services, tokens.get(ws))) {
        ws.close(1008, "Invalid access token");
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  return {
    close() {
      clearInterval(heartbeat);
      server.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
