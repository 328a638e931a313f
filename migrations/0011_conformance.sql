CREATE TABLE `tombstones` (
	`uri` text PRIMARY KEY NOT NULL,
	`former_type` text NOT NULL,
	`deleted_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `last_active_at` integer;