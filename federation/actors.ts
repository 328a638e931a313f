import type { Context } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { Application, Endpoints, Image, Link, Person, PropertyValue } from "@fedify/vocab";
import type { Services } from "../src/services.ts";
import type { AccountRow } from "../src/domain/accounts/types.ts";
import type { InstanceInfo } from "../src/domain/instance.ts";
import { findSpecialty } from "../src/domain/specialties.ts";
import { escapeHtml, plainTextToHtml } from "../src/domain/text.ts";

/** The instance actor's internal identifier; handles cannot start with "_". */
export const INSTANCE_ACTOR_ID = "__instance__";

/** The instance actor's id (Fedify's actor alias `/actor`), and its RSA key's id. */
export function instanceActorUri(origin: string): string {
  return `${origin}/actor`;
}
export function instanceKeyId(origin: string): URL {
  return new URL(`${instanceActorUri(origin)}#main-key`);
}

async function keys<T>(ctx: Context<T>, identifier: string) {
  const pairs = await ctx.getActorKeyPairs(identifier);
  return {
    publicKey: pairs[0]?.cryptographicKey,
    assertionMethods: pairs.map((p) => p.multikey),
  };
}

function endpoints<T>(ctx: Context<T>) {
  return new Endpoints({ sharedInbox: ctx.getInboxUri() });
}

/** The institution itself: signs peering, reports and credentials. */
export async function instanceActor<T>(ctx: Context<T>, instance: InstanceInfo): Promise<Application> {
  return new Application({
    id: ctx.getActorUri(INSTANCE_ACTOR_ID),
    preferredUsername: instance.host,
    name: instance.name,
    summary: `Consilium instance of ${escapeHtml(instance.name)} (${instance.country}): a closed network of verified physicians.`,
    manuallyApprovesFollowers: true,
    inbox: ctx.getInboxUri(INSTANCE_ACTOR_ID),
    outbox: ctx.getOutboxUri(INSTANCE_ACTOR_ID),
    followers: ctx.getFollowersUri(INSTANCE_ACTOR_ID),
    // Always empty; declared so every actor has the collection Fedify serves.
    featured: ctx.getFeaturedUri(INSTANCE_ACTOR_ID),
    following: ctx.getFollowingUri(INSTANCE_ACTOR_ID),
    endpoints: endpoints(ctx),
    attachments: [new PropertyValue({ name: "Country", value: instance.country })],
    ...(await keys(ctx, INSTANCE_ACTOR_ID)),
  });
}

/** A physician, under their pseudonym only: nothing here may identify them. */
export async function physicianActor(ctx: Context<Services>, account: AccountRow): Promise<Person> {
  const specialty = account.specialty ? findSpecialty(account.specialty) : undefined;
  const fields = [
    ...(specialty ? [new PropertyValue({ name: "Specialty", value: escapeHtml(specialty.label) })] : []),
    ...(account.jurisdiction ? [new PropertyValue({ name: "Jurisdiction", value: account.jurisdiction })] : []),
    ...(account.disclosures ? [new PropertyValue({ name: "Disclosures", value: escapeHtml(account.disclosures) })] : []),
  ];
  // The credential is inlined as a data: URL; it is published only while valid.
  const credential =
    account.credential && (account.credentialExpiresAt?.getTime() ?? 0) > Date.now()
      ? [
          new Link({
            href: new URL(`data:application/vc+jwt,${account.credential}`),
            mediaType: "application/vc+jwt",
            rel: "https://www.w3.org/2018/credentials#VerifiableCredential",
          }),
        ]
      : [];
  return new Person({
    id: ctx.getActorUri(account.username),
    preferredUsername: account.username,
    name: account.displayName || account.username,
    summary: plainTextToHtml(account.note),
    url: ctx.getActorUri(account.username),
    published: Temporal.Instant.fromEpochMilliseconds((account.approvedAt ?? account.createdAt).getTime()),
    manuallyApprovesFollowers: account.locked,
    discoverable: false,
    indexable: false,
    inbox: ctx.getInboxUri(account.username),
    outbox: ctx.getOutboxUri(account.username),
    followers: ctx.getFollowersUri(account.username),
    following: ctx.getFollowingUri(account.username),
    featured: ctx.getFeaturedUri(account.username),
    endpoints: endpoints(ctx),
    attachments: [...fields, ...credential],
    // An uploaded avatar and header, behind signed links peers fetch and copy (none: peers draw their own default).
    icon: account.avatarFile ? new Image({ url: new URL(ctx.data.profileUrls.url(account.avatarFile)), mediaType: "image/jpeg" }) : null,
    image: account.headerFile ? new Image({ url: new URL(ctx.data.profileUrls.url(account.headerFile)), mediaType: "image/jpeg" }) : null,
    ...(await keys(ctx, account.username)),
  });
}
