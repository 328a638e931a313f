import type { RemoteActorInput, RemoteActorRow } from "../src/domain/directory/service.ts";
import type { ProfileImageKind } from "../src/domain/media/profile-images.ts";
import { logger } from "../src/logging.ts";
import type { Services } from "../src/services.ts";

const log = logger("federation", "profile-images");

/**
 * A peer's physician's avatar and header are copied here (fetched once from
 * their own origin through the guarded client, checked and re-encoded like any
 * image), so our clients load them from us and never from another origin.
 * Fetched again only when the actor publishes another URL; a failure keeps
 * the copy held and is tried at the next profile update.
 */
export async function copyProfileImages(
  services: Services,
  fetch: typeof globalThis.fetch,
  actor: RemoteActorRow,
  input: RemoteActorInput,
): Promise<void> {
  const wanted: [ProfileImageKind, string | null][] = [
    ["avatar", input.iconUrl ?? null],
    ["header", input.imageUrl ?? null],
  ];
  for (const [kind, source] of wanted) {
    if (!services.profileImages.remoteNeedsCopy(actor, kind, source)) continue;
    try {
      if (!source) {
        await services.profileImages.setRemote(actor.id, kind, null, null);
        continue;
      }
      const response = await fetch(source, { headers: { Accept: "image/*" } });
      if (!response.ok || !/^image\//.test(response.headers.get("content-type") ?? "")) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status} ${response.headers.get("content-type") ?? ""}`);
      }
      await services.profileImages.setRemote(actor.id, kind, source, new Uint8Array(await response.arrayBuffer()));
    } catch (error) {
      log.info("Could not copy the {kind} of {actor}: {error}", { kind, actor: actor.uri, error: (error as Error).message });
    }
  }
}
