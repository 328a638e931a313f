CREATE TABLE `inbox_activities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` text NOT NULL,
	`actor_uri` text NOT NULL,
	`origin` text NOT NULL,
	`recipient` text,
	`ordering_key` text,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	`available_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`leased_until` integer,
	`leased_by` text
);
--> statement-breakpoint
CREATE INDEX `inbox_activities_due` ON `inbox_activities` (`available_at`,`id`);--> statement-breakpoint
CREATE INDEX `inbox_activities_origin` ON `inbox_activities` (`origin`,`leased_until`);--> statement-breakpoint
CREATE INDEX `inbox_activities_ordering` ON `inbox_activities` (`ordering_key`,`id`);--> statement-breakpoint
CREATE TABLE `queue_workers` (
	`id` text PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `remote_keys` (
	`key_id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`algorithm` text NOT NULL,
	`public_key_pem` text NOT NULL,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seen_activities` (
	`activity_id` text PRIMARY KEY NOT NULL,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `seen_activities_at` ON `seen_activities` (`seen_at`);--> statement-breakpoint
ALTER TABLE `fedify_queue` ADD `leased_by` text;--> statement-breakpoint
ALTER TABLE `fedify_queue` ADD `lane` text;--> statement-breakpoint
ALTER TABLE `fedify_queue` ADD `enqueued_at` integer;--> statement-breakpoint
CREATE INDEX `fedify_queue_lane` ON `fedify_queue` (`lane`,`leased_until`);