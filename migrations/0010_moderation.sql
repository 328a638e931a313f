CREATE TABLE `account_warnings` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`action` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`status_ids` text DEFAULT '[]' NOT NULL,
	`report_id` text,
	`created_by_account_id` text,
	`appeal_text` text,
	`appealed_at` integer,
	`appeal_state` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_warnings_account` ON `account_warnings` (`account_id`,`id`);--> statement-breakpoint
CREATE TABLE `data_exports` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`state` text NOT NULL,
	`file_name` text,
	`size` integer,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `data_exports_account` ON `data_exports` (`account_id`,`id`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text,
	`origin` text,
	`uri` text,
	`target_account_id` text NOT NULL,
	`status_ids` text DEFAULT '[]' NOT NULL,
	`rule_ids` text DEFAULT '[]' NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`category` text DEFAULT 'other' NOT NULL,
	`forwarded` integer DEFAULT false NOT NULL,
	`assigned_account_id` text,
	`action_taken` integer DEFAULT false NOT NULL,
	`action_taken_at` integer,
	`action_taken_by_account_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reports_open` ON `reports` (`action_taken`,`id`);--> statement-breakpoint
CREATE INDEX `reports_target` ON `reports` (`target_account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_uri` ON `reports` (`uri`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `silenced` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `sensitized` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `disabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `subject_id` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `silenced` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `suspended` integer DEFAULT false NOT NULL;