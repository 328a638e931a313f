CREATE TABLE `media_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`status_id` text,
	`mime_type` text NOT NULL,
	`file_name` text NOT NULL,
	`preview_file_name` text NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`preview_width` integer NOT NULL,
	`preview_height` integer NOT NULL,
	`size` integer NOT NULL,
	`blurhash` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`focus_x` real DEFAULT 0 NOT NULL,
	`focus_y` real DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_attachments_account` ON `media_attachments` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `media_attachments_status` ON `media_attachments` (`status_id`);