CREATE TABLE `poll_votes` (
	`id` text PRIMARY KEY NOT NULL,
	`poll_id` text NOT NULL,
	`account_id` text NOT NULL,
	`choice` integer NOT NULL,
	`uri` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `poll_votes_unique` ON `poll_votes` (`poll_id`,`account_id`,`choice`);--> statement-breakpoint
CREATE INDEX `poll_votes_poll` ON `poll_votes` (`poll_id`);--> statement-breakpoint
CREATE TABLE `polls` (
	`status_id` text PRIMARY KEY NOT NULL,
	`local` integer NOT NULL,
	`options` text NOT NULL,
	`multiple` integer DEFAULT false NOT NULL,
	`hide_totals` integer DEFAULT false NOT NULL,
	`expires_at` integer NOT NULL,
	`closed` integer DEFAULT false NOT NULL,
	`eligible_specialties` text DEFAULT '[]' NOT NULL,
	`eligible_jurisdictions` text DEFAULT '[]' NOT NULL,
	`remote_counts` text,
	`remote_voters_count` integer,
	`remote_breakdown` text,
	`dirty` integer DEFAULT false NOT NULL,
	`updates_sent` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `credential` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `credential_expires_at` integer;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `credential_status` text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `credential_reason` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `credential_claims` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `credential_checked_at` integer;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `credential_expires_at` integer;