CREATE TABLE `account_notes` (
	`account_id` text NOT NULL,
	`target_id` text NOT NULL,
	`comment` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `target_id`)
);
