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
  /** Built, not yet submitted for approval (the initiator can still review or discard it). */
  'draft',
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
  /** Encrypted Key #1 released to the signer's browser; waiting for its signature. */
  'signing',
  /** Not approved before its deadline. */
  'expired',
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
    /** Exactly one of initiatorId / initiatorApiKeyId. */
    initiatorId: uuid('initiator_id').references(() => users.id),
    initiatorApiKeyId: uuid('initiator_api_key_id'),
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
    /** The approver whose approval completed the quorum, or the initiator when policy allowed it outright. */
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: ts('approved_at'),
    /** The person whose browser received encrypted Key #1 (approved → signing). */
    signerId: uuid('signer_id').references(() => users.id),
    /** The policy the request was evaluated under, and the engine's decision with its reasons. */
    policyVersion: integer('policy_version'),
    policyHash: text('policy_hash'),
    decision: jsonb('decision'),
    /** Everything the quorum is evaluated against, frozen at creation (resolved groups, approvers). */
    quorum: jsonb('quorum'),
    expiresAt: ts('expires_at'),
    broadcastAt: ts('broadcast_at'),
    confirmedAt: ts('confirmed_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('transfer_requests_wallet_idx').on(t.walletId),
    index('transfer_requests_state_idx').on(t.state),
    check('transfer_requests_one_initiator', sql`(${t.initiatorId} is null) <> (${t.initiatorApiKeyId} is null)`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Policy engine and approvals (issue 5)
// ---------------------------------------------------------------------------------------------

export const principalKind = pgEnum('principal_kind', ['user', 'api_key']);
export const groupMemberKind = pgEnum('group_member_kind', ['user', 'api_key', 'group']);

/** Named sets of principals a quorum can refer to ("operations managers"); groups may nest. */
export const principalGroups = pgTable(
  'principal_groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('principal_groups_org_name_key').on(t.orgId, t.name)],
);

export const principalGroupMembers = pgTable(
  'principal_group_members',
  {
    groupId: uuid('group_id').notNull().references(() => principalGroups.id),
    kind: groupMemberKind('kind').notNull(),
    memberId: uuid('member_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('principal_group_members_key').on(t.groupId, t.kind, t.memberId)],
);

/**
 * Machine principals (back office, AML/KYC check). The bearer secret is stored only as a
 * SHA-256 hash; approvals additionally need a signature by the key's registered signing key.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    name: text('name').notNull(),
    /** Shown in lists and logs ("ks_3f9a…"); not secret. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    signingAlgorithm: text('signing_algorithm'),
    signingPublicKey: text('signing_public_key'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_secret_hash_key').on(t.secretHash), index('api_keys_org_idx').on(t.orgId)],
);

/** An API key's role on a wallet (people's roles are in wallet_members). */
export const walletApiKeys = pgTable(
  'wallet_api_keys',
  {
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    apiKeyId: uuid('api_key_id').notNull().references(() => apiKeys.id),
    role: walletRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('wallet_api_keys_key').on(t.walletId, t.apiKeyId)],
);

export const policyState = pgEnum('policy_state', ['proposed', 'active', 'superseded', 'rejected']);

/** Versioned per wallet; a version becomes active only when the current quorum approves it. */
export const walletPolicies = pgTable(
  'wallet_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    version: integer('version').notNull(),
    document: jsonb('document').notNull(),
    /** SHA-256 of the canonical JSON document: what approvals of transfers refer to. */
    hash: text('hash').notNull(),
    state: policyState('state').notNull(),
    proposedBy: uuid('proposed_by').references(() => users.id),
    createdAt: createdAt(),
    activatedAt: ts('activated_at'),
  },
  (t) => [
    uniqueIndex('wallet_policies_version_key').on(t.walletId, t.version),
    uniqueIndex('wallet_policies_one_active_key').on(t.walletId).where(sql`state = 'active'`),
  ],
);

export const whitelistState = pgEnum('whitelist_state', ['pending', 'active', 'removed']);

export const whitelistEntries = pgTable(
  'whitelist_entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    address: text('address').notNull(),
    label: text('label').notNull(),
    state: whitelistState('state').notNull(),
    /** End of the cooling-off period: before this, payments to the address are refused. */
    usableFrom: ts('usable_from'),
    addedBy: uuid('added_by').references(() => users.id),
    createdAt: createdAt(),
    removedAt: ts('removed_at'),
  },
  (t) => [uniqueIndex('whitelist_entries_live_key').on(t.walletId, t.address).where(sql`state <> 'removed'`)],
);

export const governanceKind = pgEnum('governance_kind', ['policy_change', 'whitelist_add', 'whitelist_remove', 'member_change']);
export const governanceState = pgEnum('governance_state', ['pending_approval', 'applied', 'rejected', 'cancelled', 'expired']);

/** Changes to a wallet's controls that need the current quorum's approval before they apply. */
export const governanceRequests = pgTable(
  'governance_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    kind: governanceKind('kind').notNull(),
    payload: jsonb('payload').notNull(),
    state: governanceState('state').notNull(),
    initiatorId: uuid('initiator_id').notNull().references(() => users.id),
    policyVersion: integer('policy_version').notNull(),
    policyHash: text('policy_hash').notNull(),
    quorum: jsonb('quorum').notNull(),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    decidedAt: ts('decided_at'),
  },
  (t) => [index('governance_requests_wallet_idx').on(t.walletId, t.state)],
);

export const requestKind = pgEnum('request_kind', ['transfer', 'governance', 'recovery']);
export const approvalDecision = pgEnum('approval_decision', ['approve', 'reject']);

/**
 * One principal's signed decision on one request: a WebAuthn assertion (people) or an
 * Ed25519/P-256 signature (API keys) over the request digest (lib/approvals). Kept verbatim so
 * an auditor can re-verify it offline.
 */
export const approvals = pgTable(
  'approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    requestKind: requestKind('request_kind').notNull(),
    requestId: uuid('request_id').notNull(),
    principalKind: principalKind('principal_kind').notNull(),
    principalId: uuid('principal_id').notNull(),
    decision: approvalDecision('decision').notNull(),
    digest: text('digest').notNull(),
    proof: jsonb('proof').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('approvals_one_per_principal_key').on(t.requestKind, t.requestId, t.principalKind, t.principalId)],
);

/** In-app notifications, one row per recipient. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    userId: uuid('user_id').notNull().references(() => users.id),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    link: text('link'),
    createdAt: createdAt(),
    readAt: ts('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    url: text('url').notNull(),
    /** HMAC-SHA256 key for the Keystead-Signature header (shown once at creation). */
    secret: text('secret').notNull(),
    /** Event types delivered; empty = all. */
    events: text('events').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('webhooks_org_idx').on(t.orgId)],
);

export const deliveryState = pgEnum('delivery_state', ['pending', 'delivered', 'failed']);

/** The delivery log: one row per (webhook, event), retried with backoff until delivered or given up. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id').notNull().references(() => webhooks.id),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').notNull(),
    state: deliveryState('state').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: ts('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('webhook_deliveries_event_key').on(t.webhookId, t.eventId), index('webhook_deliveries_due_idx').on(t.state, t.nextAttemptAt)],
);

export const recoveryState = pgEnum('recovery_state', ['pending_approval', 'waiting', 'revealed', 'rejected', 'cancelled', 'expired']);

/**
 * Assisted password recovery: an admin asks the service to open Box 4 of a wallet's key card
 * (the password sealed to the HSM's RSA key). Needs the organisation's recovery quorum of other
 * admins, then a waiting period; the password is revealed once, encrypted to a key the
 * requester's browser generated.
 */
export const passwordRecoveries = pgTable(
  'password_recoveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull().references(() => organizations.id),
    walletId: uuid('wallet_id').notNull().references(() => wallets.id),
    requesterId: uuid('requester_id').notNull().references(() => users.id),
    state: recoveryState('state').notNull(),
    reason: text('reason').notNull(),
    /** Box 4 as printed on the card: { alg, hash, keyId, ct }. */
    box: jsonb('box').notNull(),
    /** Approvals needed from admins other than the requester. */
    quorum: integer('quorum').notNull(),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    /** End of the waiting period, set when the quorum is met. */
    availableAt: ts('available_at'),
    revealedAt: ts('revealed_at'),
  },
  (t) => [index('password_recoveries_org_idx').on(t.orgId, t.state)],
);
