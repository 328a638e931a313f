import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, approvedPhysician, createApp, ownerToken, uploadMedia } from "../helpers/client.ts";
import { taggedJpeg } from "../helpers/images.ts";
import { startInstances, type TestInstance } from "../helpers/instances.ts";
import { shapeErrors as check } from "../helpers/schemas.ts";

describe("response shapes match Mastodon's", () => {
  let instances: Awaited<ReturnType<typeof startInstances>>;
  let uk: TestInstance;
  let token: string;
  let staff: string;
  beforeAll(async () => {
    instances = await startInstances(1);
    uk = instances[0]!;
    staff = await ownerToken(uk);
    token = (await approvedPhysician(uk, staff, { username: "shape_doc" })).token;
  });
  afterAll(() => instances.closeAll());

  it("instance, apps, accounts, statuses, polls, media, notifications, lists, markers, relationships, search, errors", async () => {
    const errors: string[] = [];
    const expectShape = (schema: string, value: unknown) => errors.push(...check(schema, value));
    expectShape("Instance", (await api(uk, "GET", "/api/v2/instance")).body);
    expectShape("V1Instance", (await api(uk, "GET", "/api/v1/instance")).body);
    const app = await api(uk, "POST", "/api/v1/apps", {
      json: { client_name: "shapes", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read write" },
    });
    expectShape("CredentialApplication", app.body);
    const me = (await api(uk, "GET", "/api/v1/accounts/verify_credentials", { token })).body;
    expectShape("CredentialAccount", me);
    expectShape("Account", (await api(uk, "GET", `/api/v1/accounts/${me.id}`, { token })).body);
    expectShape("Preferences", (await api(uk, "GET", "/api/v1/preferences", { token })).body);

    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(await taggedJpeg())], { type: "image/jpeg" }), "x.jpg");
    const media = await uploadMedia(uk, token, form);
    expectShape("MediaAttachment", media.body);
    const kase = await api(uk, "POST", "/api/v1/statuses", {
      token,
      json: {
        status: "Shapes #cardiology",
        media_ids: [media.body.id],
        case: { kind: "help", title: "Shape case", specialties: ["cardiology"] },
      },
    });
    expectShape("Status", kase.body);
    const poll = await api(uk, "POST", "/api/v1/statuses", {
      token,
      json: { status: "Which?", poll: { options: ["A", "B"], expires_in: 600 } },
    });
    expectShape("Status", poll.body);
    expectShape("Poll", (await api(uk, "GET", `/api/v1/polls/${poll.body.id}`, { token })).body);
    expectShape("Context", (await api(uk, "GET", `/api/v1/statuses/${kase.body.id}/context`, { token })).body);
    for (const s of (await api(uk, "GET", "/api/v1/timelines/public", { token })).body) expectShape("Status", s);

    const other = await approvedPhysician(uk, staff, { username: "shape_other" });
    await api(uk, "POST", `/api/v1/accounts/${me.id}/follow`, { token: other.token });
    await api(uk, "POST", `/api/v1/statuses/${kase.body.id}/favourite`, { token: other.token });
    const notifications = (await api(uk, "GET", "/api/v1/notifications", { token })).body;
    expect(notifications.length).toBeGreaterThanOrEqual(2);
    for (const n of notifications) expectShape("Notification", n);
    expectShape("GroupedNotificationsResults", (await api(uk, "GET", "/api/v2/notifications", { token })).body);
    const rel = await api(uk, "GET", `/api/v1/accounts/relationships?id[]=${me.id}`, { token: other.token });
    expectShape("Relationship", rel.body[0]);
    const list = await api(uk, "POST", "/api/v1/lists", { token, json: { title: "Shapes" } });
    expectShape("List", list.body);
    const markers = await api(uk, "POST", "/api/v1/markers", { token, json: { home: { last_read_id: kase.body.id } } });
    expectShape("Marker", markers.body.home);
    expectShape("Search", (await api(uk, "GET", "/api/v2/search?q=shape", { token })).body);
    expectShape("Error", (await api(uk, "GET", "/api/v1/statuses/1", { token })).body);
    const registrationApp = await createApp(uk, "read write");
    const appToken = await api(uk, "POST", "/oauth/token", {
      json: { grant_type: "client_credentials", client_id: registrationApp.client_id, client_secret: registrationApp.client_secret },
    });
    expectShape("Token", appToken.body);
    // The OpenAPI description types notification ids in groups as integers; Mastodon
    // sends strings (ids exceed 2^53), and so do we.
    expect(errors.filter((e) => !/most_recent_notification_id must be integer/.test(e))).toEqual([]);
  });
});
