CREATE TABLE `domain_blocks` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`domain` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domain_blocks_pair` ON `domain_blocks` (`account_id`,`domain`);--> statement-breakpoint
CREATE INDEX `domain_blocks_domain` ON `domain_blocks` (`domain`);--> statement-breakpoint
CREATE TABLE `featured_tags` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `featured_tags_pair` ON `featured_tags` (`account_id`,`tag`);--> statement-breakpoint
CREATE INDEX `remote_actors_host` ON `remote_actors` (`host`);