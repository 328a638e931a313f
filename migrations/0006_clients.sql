CREATE TABLE `blocks` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`target_id` text NOT NULL,
	`uri` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blocks_pair` ON `blocks` (`account_id`,`target_id`);--> statement-breakpoint
CREATE INDEX `blocks_target` ON `blocks` (`target_id`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`context_uri` text NOT NULL,
	`last_status_id` text NOT NULL,
	`unread` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_thread` ON `conversations` (`account_id`,`context_uri`);--> statement-breakpoint
CREATE INDEX `conversations_account` ON `conversations` (`account_id`,`last_status_id`);--> statement-breakpoint
CREATE TABLE `filter_keywords` (
	`id` text PRIMARY KEY NOT NULL,
	`filter_id` text NOT NULL,
	`keyword` text NOT NULL,
	`whole_word` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE INDEX `filter_keywords_filter` ON `filter_keywords` (`filter_id`);--> statement-breakpoint
CREATE TABLE `filter_statuses` (
	`id` text PRIMARY KEY NOT NULL,
	`filter_id` text NOT NULL,
	`status_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `filter_statuses_filter` ON `filter_statuses` (`filter_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `filter_statuses_pair` ON `filter_statuses` (`filter_id`,`status_id`);--> statement-breakpoint
CREATE TABLE `filters` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`title` text NOT NULL,
	`context` text NOT NULL,
	`action` text DEFAULT 'warn' NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `filters_account` ON `filters` (`account_id`);--> statement-breakpoint
CREATE TABLE `followed_tags` (
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `tag`)
);
--> statement-breakpoint
CREATE INDEX `followed_tags_tag` ON `followed_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `instance_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`text` text NOT NULL,
	`hint` text DEFAULT '' NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mutes` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`target_id` text NOT NULL,
	`notifications` integer DEFAULT true NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mutes_pair` ON `mutes` (`account_id`,`target_id`);--> statement-breakpoint
CREATE TABLE `pins` (
	`account_id` text NOT NULL,
	`status_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `status_id`)
);
--> statement-breakpoint
CREATE INDEX `pins_status` ON `pins` (`status_id`);--> statement-breakpoint
CREATE TABLE `status_edits` (
	`id` text PRIMARY KEY NOT NULL,
	`status_id` text NOT NULL,
	`content_html` text NOT NULL,
	`spoiler_text` text DEFAULT '' NOT NULL,
	`sensitive` integer DEFAULT false NOT NULL,
	`case_data` text,
	`poll_options` text,
	`media_ids` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `status_edits_status` ON `status_edits` (`status_id`,`id`);--> statement-breakpoint
CREATE TABLE `thread_mutes` (
	`account_id` text NOT NULL,
	`context_uri` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `context_uri`)
);
--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `featured_url` text;