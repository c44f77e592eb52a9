CREATE TYPE "public"."tx_direction" AS ENUM('incoming', 'outgoing', 'self');--> statement-breakpoint
CREATE TABLE "wallet_sync_state" (
	"wallet_id" uuid PRIMARY KEY NOT NULL,
	"tip_height" integer,
	"tip_hash" text,
	"last_synced_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "wallet_transactions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_id" uuid NOT NULL,
	"txid" text NOT NULL,
	"direction" "tx_direction" NOT NULL,
	"net_sats" bigint NOT NULL,
	"fee_sats" bigint,
	"height" integer,
	"block_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_utxos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_id" uuid NOT NULL,
	"txid" text NOT NULL,
	"vout" integer NOT NULL,
	"value_sats" bigint NOT NULL,
	"script_pub_key" text NOT NULL,
	"address" text NOT NULL,
	"branch" smallint NOT NULL,
	"index" integer NOT NULL,
	"height" integer,
	"coinbase" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "wallet_addresses" ADD COLUMN "used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "wallet_sync_state" ADD CONSTRAINT "wallet_sync_state_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_transactions" ADD CONSTRAINT "wallet_transactions_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_utxos" ADD CONSTRAINT "wallet_utxos_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_transactions_wallet_txid_key" ON "wallet_transactions" USING btree ("wallet_id","txid");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_utxos_outpoint_key" ON "wallet_utxos" USING btree ("txid","vout");--> statement-breakpoint
CREATE INDEX "wallet_utxos_wallet_idx" ON "wallet_utxos" USING btree ("wallet_id");