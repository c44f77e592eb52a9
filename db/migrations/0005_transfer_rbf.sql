ALTER TYPE "public"."transfer_state" ADD VALUE 'replaced';--> statement-breakpoint
ALTER TABLE "transfer_requests" ADD COLUMN "replaces_id" uuid;