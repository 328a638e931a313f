import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

/** The few server-rendered pages share this frame; no scripts, no third-party assets. */
export function page(title: string, instanceName: string, body: Content) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${instanceName}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.5}
label{display:block;margin-top:.8rem;font-weight:600}
input,select,textarea{width:100%;padding:.45rem;font:inherit;box-sizing:border-box}
input[type=checkbox]{width:auto}
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit;cursor:pointer}
.error{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem;border-radius:4px}
.note{color:#555;font-size:.9rem}
code{background:#f1f3f5;padding:.2rem .4rem;word-break:break-all}
</style>
</head>
<body>
<header><strong>${instanceName}</strong> · Consilium</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

export function errorList(messages: readonly string[]) {
  if (messages.length === 0) return html``;
  return html`<div class="error" role="alert"><ul>${messages.map((m) => html`<li>${m}</li>`)}</ul></div>`;
}
