/**
 * Keystead's relational schema (PostgreSQL dialect; runs on PostgreSQL and on embedded PGlite).
 * Migrations in db/migrations are generated from this file by `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  smallint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const orgRole = pgEnum('org_role', ['admin', 'member', 'auditor']);
export const membershipStatus = pgEnum('membership_status', ['active', 'deactivated']);
export const walletRole = pgEnum('wallet_role', ['approver', 'initiator', 'viewer']);
export const walletChain = pgEnum('wallet_chain', ['bitcoin', 'ethereum']);
/** pending_keys: co-signer key made, browser keys not yet registered; awaiting_keycard: card not yet confirmed. */
export const walletStatus = pgEnum('wallet_status', ['pending_keys', 'awaiting_keycard', 'active', 'archived']);
export const walletKeyRole = pgEnum('wallet_key_role', ['user', 'backup', 'cosigner']);
export const inviteKind = pgEnum('invite_kind', ['join', 'reenrol']);
export const challengePurpose = pgEnum('challenge_purpose', ['signup', 'signin', 'add_passkey', 'accept_invite']);

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** WebAuthn user handle: random, never the database id or the email (privacy). */
    webauthnUserId: text('webauthn_user_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`), uniqueIndex('users_webauthn_user_id_key').on(t.webauthnUserId)],
);

/** One membership per user: a Keystead account belongs to exactly one organisation. */
export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    role: orgRole('role').notNull(),
    status: membershipStatus('status').notNull().default('active'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('memberships_user_key').on(t.userId), index('memberships_org_idx').on(t.orgId)],
);

export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** base64url credential id, as WebAuthn reports it. */
    credentialId: text('credential_id').notNull(),
    /** base64url COSE public key. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    deviceType: text('device_type').notNull(),
    backedUp: boolean('backed_up').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('passkeys_credential_id_key').on(t.credentialId), index('passkeys_user_idx').on(t.userId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** SHA-256 of the cookie token: a database leak does not leak live sessions. */
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id),
    passkeyId: uuid('passkey_id').references(() => passkeys.id),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    userAgent: text('user_agent'),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/** Server-issued WebAuthn challenges: single-use (consumed atomically) and short-lived. */
export const webauthnChallenges = pgTable('webauthn_challenges', {
  id: uuid('id').primaryKey().defaultRandom(),
  purpose: challengePurpose('purpose').notNull(),
  challenge: text('challenge').notNull(),
  userId: uuid('user_id').references(() => users.id),
  /** Data the ceremony needs when it completes (e.g. the sign-up form, the invite id). */
  context: jsonb('context').notNull().default({}),
  createdAt: createdAt(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

export const invites = pgTable(
  'invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    kind: inviteKind('kind').notNull(),
    email: text('email').notNull(),
    role: orgRole('role').notNull(),
    /** For re-enrolment: the existing account that receives the new passkey. */
    targetUserId: uuid('target_user_id').references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    acceptedUserId: uuid('accepted_user_id').references(() => users.id),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('invites_token_hash_key').on(t.tokenHash), index('invites_org_idx').on(t.orgId)],
);

export const wallets = pgTable(
  'wallets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    name: text('name').notNull(),
    chain: walletChain('chain').notNull(),
    network: text('network').notNull(),
    // Always set explicitly; the default predates pending_keys (a new enum value cannot be a
    // default in the migration transaction that adds it).
    status: walletStatus('status').notNull().default('awaiting_keycard'),
    threshold: smallint('threshold').notNull().default(2),
    /** BIP380 output descriptor with checksum, set when the browser keys are registered. */
    descriptor: text('descriptor'),
    /** SHA-256 of the confirmation code printed on the key card (the code is never stored). */
    keycardCodeHash: text('keycard_code_hash'),
    keycardConfirmedAt: ts('keycard_confirmed_at'),
    createdBy: uuid('created_by').notNull().references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('wallets_org_idx').on(t.orgId)],
);

/**
 * Public keys of a wallet with their origins. Only Key #1 (role user) carries an encrypted
 * envelope; a CHECK constraint makes storing anything for the backup key impossible.
 */
export const walletKeys = pgTable(
  'wallet_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    role: walletKeyRole('role').notNull(),
    fingerprint: text('fingerprint').notNull(),
    path: text('path').notNull(),
    xpub: text('xpub').notNull(),
    envelope: jsonb('envelope'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('wallet_keys_wallet_role_key').on(t.walletId, t.role),
    check('wallet_keys_envelope_only_for_user_key', sql`${t.role} = 'user' OR ${t.envelope} IS NULL`),
  ],
);

/** The co-signer's Key #3 seed, wrapped by a non-extractable HSM key (server/cosigner). */
export const cosignerKeys = pgTable('cosigner_keys', {
  walletId: uuid('wallet_id').primaryKey().references(() => wallets.id),
  backend: text('backend').notNull(),
  wrapped: text('wrapped').notNull(),
  createdAt: createdAt(),
});

/** Addresses handed out (receive, branch 0) or used for change (branch 1); usedAt set by sync. */
export const walletAddresses = pgTable(
  'wallet_addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    branch: smallint('branch').notNull(),
    index: integer('index').notNull(),
    address: text('address').notNull(),
    witnessScript: text('witness_script').notNull(),
    /** First time the chain showed a payment to this address. */
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('wallet_addresses_path_key').on(t.walletId, t.branch, t.index), uniqueIndex('wallet_addresses_address_key').on(t.address)],
);

/** Users are on a wallet only when granted: approvers can also initiate; viewers only read. */
export const walletMembers = pgTable(
  'wallet_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    role: walletRole('role').notNull(),
    grantedBy: uuid('granted_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('wallet_members_wallet_user_key').on(t.walletId, t.userId), index('wallet_members_user_idx').on(t.userId)],
);

/** Append-only, hash-chained per organisation (lib/audit/chain.ts). */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    seq: integer('seq').notNull(),
    at: ts('at').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [uniqueIndex('audit_events_org_seq_key').on(t.orgId, t.seq)],
);

/** The wallet's unspent outputs as last seen on chain (replaced wholesale by each sync). */
export const walletUtxos = pgTable(
  'wallet_utxos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    txid: text('txid').notNull(),
    vout: integer('vout').notNull(),
    valueSats: bigint('value_sats', { mode: 'bigint' }).notNull(),
    scriptPubKey: text('script_pub_key').notNull(),
    address: text('address').notNull(),
    branch: smallint('branch').notNull(),
    index: integer('index').notNull(),
    /** null while in the mempool. */
    height: integer('height'),
    coinbase: boolean('coinbase').notNull().default(false),
    seenAt: createdAt(),
  },
  (t) => [uniqueIndex('wallet_utxos_outpoint_key').on(t.txid, t.vout), index('wallet_utxos_wallet_idx').on(t.walletId)],
);

export const txDirection = pgEnum('tx_direction', ['incoming', 'outgoing', 'self']);

/** Transactions touching the wallet, with their net effect on its balance. */
export const walletTransactions = pgTable(
  'wallet_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    txid: text('txid').notNull(),
    direction: txDirection('direction').notNull(),
    /** Signed: received minus spent, in satoshis. */
    netSats: bigint('net_sats', { mode: 'bigint' }).notNull(),
    feeSats: bigint('fee_sats', { mode: 'bigint' }),
    height: integer('height'),
    blockHash: text('block_hash'),
    firstSeenAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('wallet_transactions_wallet_txid_key').on(t.walletId, t.txid)],
);

/** Per-wallet sync bookkeeping, so a restarted job resumes instead of starting over. */
export const walletSyncState = pgTable('wallet_sync_state', {
  walletId: uuid('wallet_id').primaryKey().references(() => wallets.id),
  tipHeight: integer('tip_height'),
  tipHash: text('tip_hash'),
  lastSyncedAt: ts('last_synced_at'),
  lastError: text('last_error'),
});

export const transferState = pgEnum('transfer_state', [
  'pending_approval',
  'approved',
  'cosigned',
  'broadcast',
  'confirmed',
  'rejected',
  'cancelled',
  'failed',
  /** A fee bump (RBF) of this transfer was broadcast instead. */
  'replaced',
]);

/**
 * An outgoing transfer. What approvers approve is the request's own data (outputs, fee cap); the
 * PSBT is built by the server from the wallet's coins and re-verified by the co-signer against
 * exactly that data. Every transition is one guarded UPDATE (WHERE state = expected).
 */
export const transferRequests = pgTable(
  'transfer_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    initiatorId: uuid('initiator_id').notNull().references(() => users.id),
    state: transferState('state').notNull(),
    /** [{ address, valueSats: decimal string }] in payment order. */
    outputs: jsonb('outputs').notNull(),
    sendMax: boolean('send_max').notNull().default(false),
    feeRate: text('fee_rate').notNull(),
    feeSats: bigint('fee_sats', { mode: 'bigint' }).notNull(),
    feeCapSats: bigint('fee_cap_sats', { mode: 'bigint' }).notNull(),
    vsize: integer('vsize').notNull(),
    /** [{ txid, vout, valueSats }] the PSBT spends; the co-signer requires exactly these. */
    inputs: jsonb('inputs').notNull(),
    changeIndex: integer('change_index'),
    /** For a fee bump (BIP125 replace-by-fee): the transfer whose transaction this replaces. */
    replacesId: uuid('replaces_id'),
    unsignedPsbt: text('unsigned_psbt').notNull(),
    cosignedPsbt: text('cosigned_psbt'),
    rawTx: text('raw_tx'),
    txid: text('txid'),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: ts('approved_at'),
    broadcastAt: ts('broadcast_at'),
    confirmedAt: ts('confirmed_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('transfer_requests_wallet_idx').on(t.walletId), index('transfer_requests_state_idx').on(t.state)],
);
