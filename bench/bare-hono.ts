// The ceiling for HTTP: a bare Hono JSON endpoint on the same runtime and server adapter.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
const payload = Array.from({ length: 20 }, (_, i) => ({ id: String(i), content: "<p>x</p>", created_at: new Date(0).toISOString() }));
app.get("/json", (c) => c.json(payload));
app.post("/inbox", async (c) => {
  await c.req.text();
  return c.body(null, 202);
});
serve({ fetch: app.fetch, port: Number(process.argv[2]), hostname: "127.0.0.1" }, () => console.log("ready"));
