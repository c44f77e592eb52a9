CREATE TYPE "public"."recovery_state" AS ENUM('pending_approval', 'waiting', 'revealed', 'rejected', 'cancelled', 'expired');--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'recovery';--> statement-breakpoint
CREATE TABLE "password_recoveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"wallet_id" uuid NOT NULL,
	"requester_id" uuid NOT NULL,
	"state" "recovery_state" NOT NULL,
	"reason" text NOT NULL,
	"box" jsonb NOT NULL,
	"quorum" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"available_at" timestamp with time zone,
	"revealed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "password_recoveries" ADD CONSTRAINT "password_recoveries_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_recoveries" ADD CONSTRAINT "password_recoveries_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_recoveries" ADD CONSTRAINT "password_recoveries_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "password_recoveries_org_idx" ON "password_recoveries" USING btree ("org_id","state");