CREATE TYPE "public"."transfer_state" AS ENUM('pending_approval', 'approved', 'cosigned', 'broadcast', 'confirmed', 'rejected', 'cancelled', 'failed');--> statement-breakpoint
CREATE TABLE "transfer_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"initiator_id" uuid NOT NULL,
	"state" "transfer_state" NOT NULL,
	"outputs" jsonb NOT NULL,
	"send_max" boolean DEFAULT false NOT NULL,
	"fee_rate" text NOT NULL,
	"fee_sats" bigint NOT NULL,
	"fee_cap_sats" bigint NOT NULL,
	"vsize" integer NOT NULL,
	"inputs" jsonb NOT NULL,
	"change_index" integer,
	"unsigned_psbt" text NOT NULL,
	"cosigned_psbt" text,
	"raw_tx" text,
	"txid" text,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"broadcast_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "transfer_requests" ADD CONSTRAINT "transfer_requests_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_requests" ADD CONSTRAINT "transfer_requests_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_requests" ADD CONSTRAINT "transfer_requests_initiator_id_users_id_fk" FOREIGN KEY ("initiator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_requests" ADD CONSTRAINT "transfer_requests_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transfer_requests_wallet_idx" ON "transfer_requests" USING btree ("wallet_id");--> statement-breakpoint
CREATE INDEX "transfer_requests_state_idx" ON "transfer_requests" USING btree ("state");