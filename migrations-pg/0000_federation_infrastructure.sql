CREATE TABLE "fedify_kv" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"expires_at" bigint
);
--> statement-breakpoint
CREATE TABLE "fedify_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message" text NOT NULL,
	"ordering_key" text,
	"available_at" bigint NOT NULL,
	"leased_until" bigint,
	"leased_by" text,
	"lane" text,
	"enqueued_at" bigint
);
--> statement-breakpoint
CREATE TABLE "queue_workers" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "fedify_kv_expires" ON "fedify_kv" USING btree ("expires_at") WHERE expires_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "fedify_queue_available" ON "fedify_queue" USING btree ("available_at","id");--> statement-breakpoint
CREATE INDEX "fedify_queue_ordering" ON "fedify_queue" USING btree ("ordering_key","id");--> statement-breakpoint
CREATE INDEX "fedify_queue_lane" ON "fedify_queue" USING btree ("lane","leased_until");