CREATE TABLE `bookmarks` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`status_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bookmarks_account_status` ON `bookmarks` (`account_id`,`status_id`);--> statement-breakpoint
CREATE TABLE `favourites` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`status_id` text NOT NULL,
	`uri` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `favourites_account_status` ON `favourites` (`account_id`,`status_id`);--> statement-breakpoint
CREATE INDEX `favourites_status` ON `favourites` (`status_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `favourites_uri` ON `favourites` (`uri`);--> statement-breakpoint
CREATE TABLE `follows` (
	`id` text PRIMARY KEY NOT NULL,
	`follower_id` text NOT NULL,
	`following_id` text NOT NULL,
	`state` text NOT NULL,
	`uri` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `follows_pair` ON `follows` (`follower_id`,`following_id`);--> statement-breakpoint
CREATE INDEX `follows_following` ON `follows` (`following_id`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `follows_uri` ON `follows` (`uri`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`status_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `list_accounts` (
	`list_id` text NOT NULL,
	`account_id` text NOT NULL,
	PRIMARY KEY(`list_id`, `account_id`)
);
--> statement-breakpoint
CREATE TABLE `lists` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`title` text NOT NULL,
	`replies_policy` text DEFAULT 'list' NOT NULL,
	`exclusive` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lists_account` ON `lists` (`account_id`);--> statement-breakpoint
CREATE TABLE `markers` (
	`account_id` text NOT NULL,
	`timeline` text NOT NULL,
	`last_read_id` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `timeline`)
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`type` text NOT NULL,
	`from_account_id` text NOT NULL,
	`status_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notifications_account` ON `notifications` (`account_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_unique` ON `notifications` (`account_id`,`type`,`from_account_id`,`status_id`);--> statement-breakpoint
CREATE TABLE `peers` (
	`origin` text PRIMARY KEY NOT NULL,
	`actor_uri` text,
	`followers_url` text,
	`inbox_url` text,
	`shared_inbox_url` text,
	`outgoing` text DEFAULT 'none' NOT NULL,
	`outgoing_follow_uri` text,
	`incoming` text DEFAULT 'none' NOT NULL,
	`incoming_follow_uri` text,
	`ended_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `remote_actors` (
	`id` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL,
	`origin` text NOT NULL,
	`username` text NOT NULL,
	`host` text NOT NULL,
	`display_name` text DEFAULT '' NOT NULL,
	`summary_html` text DEFAULT '' NOT NULL,
	`url` text,
	`inbox_url` text NOT NULL,
	`shared_inbox_url` text,
	`followers_url` text,
	`locked` integer DEFAULT false NOT NULL,
	`fields` text DEFAULT '[]' NOT NULL,
	`actor_type` text DEFAULT 'Person' NOT NULL,
	`credential` text,
	`gone` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`fetched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `remote_actors_uri` ON `remote_actors` (`uri`);--> statement-breakpoint
CREATE UNIQUE INDEX `remote_actors_handle` ON `remote_actors` (`username`,`host`);--> statement-breakpoint
CREATE TABLE `status_mentions` (
	`status_id` text NOT NULL,
	`account_id` text NOT NULL,
	PRIMARY KEY(`status_id`, `account_id`)
);
--> statement-breakpoint
CREATE INDEX `status_mentions_account` ON `status_mentions` (`account_id`);--> statement-breakpoint
CREATE TABLE `status_tags` (
	`status_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`tag`, `status_id`)
);
--> statement-breakpoint
CREATE INDEX `status_tags_status` ON `status_tags` (`status_id`);--> statement-breakpoint
CREATE TABLE `statuses` (
	`id` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL,
	`url` text,
	`account_id` text NOT NULL,
	`local` integer NOT NULL,
	`kind` text NOT NULL,
	`visibility` text NOT NULL,
	`content_html` text DEFAULT '' NOT NULL,
	`source_text` text,
	`spoiler_text` text DEFAULT '' NOT NULL,
	`sensitive` integer DEFAULT false NOT NULL,
	`language` text,
	`in_reply_to_id` text,
	`in_reply_to_uri` text,
	`in_reply_to_account_id` text,
	`reblog_of_id` text,
	`context_uri` text,
	`case_data` text,
	`case_status` text,
	`held` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`edited_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statuses_uri` ON `statuses` (`uri`);--> statement-breakpoint
CREATE INDEX `statuses_account` ON `statuses` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `statuses_reply` ON `statuses` (`in_reply_to_id`,`id`);--> statement-breakpoint
CREATE INDEX `statuses_context` ON `statuses` (`context_uri`,`id`);--> statement-breakpoint
CREATE INDEX `statuses_reblog` ON `statuses` (`reblog_of_id`);--> statement-breakpoint
CREATE INDEX `statuses_timeline` ON `statuses` (`visibility`,`local`,`id`);