CREATE TYPE "public"."wallet_key_role" AS ENUM('user', 'backup', 'cosigner');--> statement-breakpoint
ALTER TYPE "public"."wallet_status" ADD VALUE 'pending_keys' BEFORE 'awaiting_keycard';--> statement-breakpoint
CREATE TABLE "cosigner_keys" (
	"wallet_id" uuid PRIMARY KEY NOT NULL,
	"backend" text NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_id" uuid NOT NULL,
	"branch" smallint NOT NULL,
	"index" integer NOT NULL,
	"address" text NOT NULL,
	"witness_script" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wallet_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_id" uuid NOT NULL,
	"role" "wallet_key_role" NOT NULL,
	"fingerprint" text NOT NULL,
	"path" text NOT NULL,
	"xpub" text NOT NULL,
	"envelope" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wallet_keys_envelope_only_for_user_key" CHECK ("wallet_keys"."role" = 'user' OR "wallet_keys"."envelope" IS NULL)
);
--> statement-breakpoint
ALTER TABLE "wallets" ADD COLUMN "threshold" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "wallets" ADD COLUMN "descriptor" text;--> statement-breakpoint
ALTER TABLE "wallets" ADD COLUMN "keycard_code_hash" text;--> statement-breakpoint
ALTER TABLE "wallets" ADD COLUMN "keycard_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cosigner_keys" ADD CONSTRAINT "cosigner_keys_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_addresses" ADD CONSTRAINT "wallet_addresses_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_keys" ADD CONSTRAINT "wallet_keys_wallet_id_wallets_id_fk" FOREIGN KEY ("wallet_id") REFERENCES "public"."wallets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_addresses_path_key" ON "wallet_addresses" USING btree ("wallet_id","branch","index");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_addresses_address_key" ON "wallet_addresses" USING btree ("address");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_keys_wallet_role_key" ON "wallet_keys" USING btree ("wallet_id","role");