CREATE TABLE `domain_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`process` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `domain_events_created` ON `domain_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `failure_counts` (
	`key` text PRIMARY KEY NOT NULL,
	`count` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `failure_counts_at` ON `failure_counts` (`at`);--> statement-breakpoint
CREATE TABLE `federation_intents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`method` text NOT NULL,
	`args` text NOT NULL,
	`created_at` integer NOT NULL,
	`owner` text NOT NULL,
	`leased_until` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `federation_intents_lease` ON `federation_intents` (`leased_until`);--> statement-breakpoint
ALTER TABLE `polls` ADD `last_update_at` integer DEFAULT 0 NOT NULL;