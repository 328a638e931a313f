import { Secret, TOTP } from "otpauth";
import { keepCookies, reconnectingFetch } from "./client.ts";
import type { TestInstance } from "./instances.ts";

/** The code an authenticator app would show for a secret, `steps` periods from now. */
export function totpCode(secret: string, steps = 0, now = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp: now + steps * 30_000,
  });
}

export interface ConsoleResponse {
  readonly status: number;
  readonly location: string | null;
  readonly html: string;
}

/**
 * A staff member's browser, without a browser: cookies kept, CSRF token read
 * from each page and sent with each form, redirects reported (not followed).
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  readonly instance: TestInstance;
  csrf = "";

  constructor(instance: TestInstance) {
    this.instance = instance;
  }

  async request(method: string, path: string, form?: Record<string, string> | FormData): Promise<ConsoleResponse> {
    const response = await reconnectingFetch(new URL(path, this.instance.origin), {
      method,
      redirect: "manual",
      headers: {
        Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(form && !(form instanceof FormData) ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
        Referer: new URL(path, this.instance.origin).href,
      },
      body: form instanceof FormData ? form : form ? new URLSearchParams(form) : undefined,
    });
    keepCookies(this.cookies, response);
    const html = await response.text();
    const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, location: response.headers.get("location"), html };
  }

  get(path: string): Promise<ConsoleResponse> {
    return this.request("GET", path);
  }

  /** Posts a form with the CSRF token of the last page (or the one given). */
  post(path: string, form: Record<string, string> = {}, csrf = this.csrf): Promise<ConsoleResponse> {
    return this.request("POST", path, { csrf_token: csrf, ...form });
  }

  async upload(path: string, field: string, fileName: string, content: string): Promise<ConsoleResponse> {
    const form = new FormData();
    form.set("csrf_token", this.csrf);
    form.set(field, new Blob([content], { type: "text/csv" }), fileName);
    return this.request("POST", path, form);
  }

  /** E-mail and password; returns where the console sent us next. */
  async signInWithPassword(email: string, password: string): Promise<ConsoleResponse> {
    await this.get("/admin/sign_in");
    return this.post("/admin/sign_in", { email, password, return_to: "/admin" });
  }

  /** Sets up TOTP on the setup page; returns the secret and the recovery codes. */
  async setUpSecondFactor(): Promise<{ secret: string; recoveryCodes: string[] }> {
    const page = await this.get("/admin/second_factor/setup");
    const secret = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(page.html)?.[1];
    if (!secret) throw new Error(`no secret on the setup page: ${page.status} ${page.html.slice(0, 300)}`);
    const done = await this.post("/admin/second_factor/setup", { code: totpCode(secret) });
    const codes = /<code class="codes" id="recovery-codes">([^<]+)<\/code>/.exec(done.html)?.[1];
    if (!codes) throw new Error(`setup not confirmed: ${done.status} ${done.html.slice(0, 300)}`);
    return { secret, recoveryCodes: codes.split("\n") };
  }

  /** The whole sign-in: password, then the code (or setting the factor up when asked to). */
  async signIn(email: string, password: string, secret?: string, steps = 0): Promise<{ secret?: string; recoveryCodes?: string[] }> {
    const first = await this.signInWithPassword(email, password);
    if (first.location === "/admin/second_factor/setup") return this.setUpSecondFactor();
    if (first.location === "/admin/second_factor") {
      if (!secret) throw new Error("a second factor is needed");
      await this.get("/admin/second_factor");
      const passed = await this.post("/admin/second_factor", { code: totpCode(secret, steps) });
      if (passed.status !== 303) throw new Error(`second factor refused: ${passed.status}`);
      return { secret };
    }
    if (first.status !== 303) throw new Error(`sign-in refused: ${first.status} ${first.html.slice(0, 200)}`);
    return {};
  }
}
