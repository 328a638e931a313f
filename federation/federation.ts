import { createFederation, type Federation, type KvStore, type MessageQueue } from "@fedify/fedify";
import type { AccountService } from "../src/domain/accounts/service.ts";
import type { InstanceInfo } from "../src/domain/instance.ts";
import { type ActorKeyStore, INSTANCE_KEY_OWNER } from "../src/domain/keys.ts";
import { INSTANCE_ACTOR_ID, instanceActor, physicianActor } from "./actors.ts";

/** What the federation layer needs from the application. */
export interface FederationDeps {
  readonly instance: InstanceInfo;
  readonly accounts: AccountService;
  readonly keys: ActorKeyStore;
}

export interface FederationOptions {
  readonly kv: KvStore;
  readonly queue: MessageQueue;
  readonly allowPrivateAddress: boolean;
  /** The public origin: URIs use it whatever Host a request came in on. */
  readonly origin: string;
}

export type ConsiliumFederation = Federation<FederationDeps>;

export function buildFederation(options: FederationOptions): ConsiliumFederation {
  const federation = createFederation<FederationDeps>({
    kv: options.kv,
    queue: options.queue,
    origin: options.origin,
    allowPrivateAddress: options.allowPrivateAddress,
    // Started by the server at boot, so messages left by a crash resume at once.
    manuallyStartQueue: true,
    userAgent: { software: "Consilium/0.1.0" },
  });

  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return instanceActor(ctx, ctx.data.instance);
      // Pending, rejected and suspended applicants do not exist to the outside.
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      if (!account || account.username !== identifier) return null;
      return physicianActor(ctx, account);
    })
    .mapActorAlias("/actor", INSTANCE_ACTOR_ID)
    .mapHandle((ctx, username) => {
      if (username.toLowerCase() === ctx.data.instance.host.toLowerCase()) return INSTANCE_ACTOR_ID;
      return ctx.data.accounts.findApprovedByUsername(username)?.username ?? null;
    })
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      if (identifier === INSTANCE_ACTOR_ID) return ctx.data.keys.keyPairs(INSTANCE_KEY_OWNER);
      const account = ctx.data.accounts.findApprovedByUsername(identifier);
      return account ? ctx.data.keys.keyPairs(account.id) : [];
    });

  // Inbox paths exist so actors can name them; what they accept is decided
  // by the peering gate in front of Fedify (federation/inbox-gate.ts).
  federation.setInboxListeners("/users/{identifier}/inbox", "/inbox");

  return federation;
}
