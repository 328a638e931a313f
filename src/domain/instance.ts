/** What the instance says about itself, from configuration. */
export interface InstanceInfo {
  readonly origin: string;
  readonly host: string;
  readonly name: string;
  readonly country: string;
  readonly version: string;
}

export const SOFTWARE_NAME = "consilium";
export const SOFTWARE_VERSION = "0.1.0";
/** The Mastodon API level we follow; clients gate features on it (Mastodon.py wants >= 2.8). */
export const MASTODON_COMPAT_VERSION = `4.3.0 (compatible; Consilium ${SOFTWARE_VERSION})`;
