CREATE TABLE `media_processing` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`focus` text,
	`error` text,
	`created_at` integer NOT NULL
);
