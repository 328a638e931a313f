ALTER TABLE `accounts` ADD `avatar_file` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `header_file` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `avatar_source` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `avatar_file` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `header_source` text;--> statement-breakpoint
ALTER TABLE `remote_actors` ADD `header_file` text;