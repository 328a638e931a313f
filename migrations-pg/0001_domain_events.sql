CREATE TABLE "domain_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"process" text NOT NULL,
	"body" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "domain_events_created" ON "domain_events" USING btree ("created_at");