CREATE TABLE `account_stats` (
	`account_id` text PRIMARY KEY NOT NULL,
	`followers` integer DEFAULT 0 NOT NULL,
	`following` integer DEFAULT 0 NOT NULL,
	`statuses` integer DEFAULT 0 NOT NULL,
	`last_status_at` integer
);
