ALTER TABLE `accounts` ADD `staff_tokens_since` integer;--> statement-breakpoint
ALTER TABLE `oauth_codes` ADD `second_factor_at` integer;--> statement-breakpoint
ALTER TABLE `oauth_tokens` ADD `second_factor_at` integer;