import WebSocket from "ws";

export interface StreamMessage {
  readonly stream: string[];
  readonly event: string;
  readonly payload?: string;
}

/**
 * A streaming client as Mastodon clients use it: one WebSocket, subscribe
 * messages, events collected for the test to wait on.
 */
export class StreamClient {
  readonly messages: StreamMessage[] = [];
  readonly errors: unknown[] = [];
  readonly ws: WebSocket;
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.error) this.errors.push(message);
      else this.messages.push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.on("close", () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Connects with the token where the options say: query (default), header, or WebSocket protocol. */
  static async open(
    origin: string,
    token: string | null,
    options: { via?: "query" | "header" | "protocol"; stream?: string } = {},
  ): Promise<StreamClient> {
    const url = new URL("/api/v1/streaming", origin.replace(/^http/, "ws"));
    const via = options.via ?? "query";
    if (token && via === "query") url.searchParams.set("access_token", token);
    if (options.stream) url.searchParams.set("stream", options.stream);
    const ws = new WebSocket(
      url,
      token && via === "protocol" ? [token] : [],
      token && via === "header" ? { headers: { Authorization: `Bearer ${token}` } } : {},
    );
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once("error", reject);
    });
    return client;
  }

  subscribe(stream: string, extra: Record<string, string> = {}): void {
    this.ws.send(JSON.stringify({ type: "subscribe", stream, ...extra }));
  }

  unsubscribe(stream: string, extra: Record<string, string> = {}): void {
    this.ws.send(JSON.stringify({ type: "unsubscribe", stream, ...extra }));
  }

  /** Subscribes and waits until the server has taken it (an unknown stream would answer an error). */
  async subscribed(stream: string, extra: Record<string, string> = {}): Promise<void> {
    this.subscribe(stream, extra);
    // The server handles messages in order: a ping's pong comes after the subscription.
    await new Promise<void>((resolve) => {
      this.ws.once("pong", () => resolve());
      this.ws.ping();
    });
  }

  /** Waits for a message matching the predicate (already received or arriving). */
  async next(predicate: (m: StreamMessage) => boolean, what: string, timeoutMs = 15_000): Promise<StreamMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (this.ws.readyState !== WebSocket.OPEN) throw new Error(`stream closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => [m.stream, m.event]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Events of a kind whose payload (a status or notification) mentions the text. */
  find(event: string, text: string, stream?: string): StreamMessage | undefined {
    return this.messages.find((m) => m.event === event && (m.payload ?? "").includes(text) && (!stream || m.stream[0] === stream));
  }

  close(): void {
    this.ws.close();
  }
}

/** The parsed payload of an event (statuses and notifications come as JSON strings). */
export function payloadOf<T = any>(message: StreamMessage): T {
  return JSON.parse(message.payload ?? "null") as T;
}
