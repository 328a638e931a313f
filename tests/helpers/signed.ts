import { signRequest } from "@fedify/fedify";
import { INSTANCE_KEY_OWNER } from "../../src/domain/keys.ts";
import type { TestInstance } from "./instances.ts";

/** The key id an instance's actor document publishes for its RSA key. */
export async function instanceKeyId(instance: TestInstance): Promise<URL> {
  const actor = (await (await fetch(`${instance.origin}/actor`, { headers: { Accept: "application/activity+json" } })).json()) as {
    publicKey: { id: string };
  };
  return new URL(actor.publicKey.id);
}

/** A request signed (HTTP Signatures) with an instance actor's key, as a peer would send it. */
export async function signedFetch(
  from: TestInstance,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; keyId?: URL; privateKey?: CryptoKey } = {},
): Promise<Response> {
  const [rsa] = await from.services.keys.keyPairs(INSTANCE_KEY_OWNER);
  const request = new Request(url, {
    method: init.method ?? "GET",
    headers: {
      Accept: "application/activity+json",
      ...(init.body ? { "Content-Type": "application/activity+json" } : {}),
      ...(init.headers ?? {}),
    },
    body: init.body,
  });
  const signed = await signRequest(request, init.privateKey ?? rsa!.privateKey, init.keyId ?? (await instanceKeyId(from)));
  return fetch(signed);
}
