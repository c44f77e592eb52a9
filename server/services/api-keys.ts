/**
 * API keys: machine principals of an organisation (a back office that initiates transfers, an
 * AML/KYC check that approves them). The bearer token `ks_<prefix>_<secret>` is shown once; the
 * database keeps only SHA-256(token) and the non-secret prefix. A key is valid while unexpired
 * and unrevoked; what it may call is limited by its scopes (server/trpc.ts) and, per wallet, by
 * its role in `wallet_api_keys`. Approvals additionally need a signature by the key's registered
 * signing key over the request digest (services/approvals.ts verifyEvidence).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { and, asc, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { apiKeys, users, walletApiKeys, wallets } from '@/db/schema';
import { API_KEY_MAX_DAYS, API_SCOPES, API_TOKEN_RE, type ApiScope, type ApiSigningAlgorithm } from '@/lib/api-keys';
import { fromBase64url, toBase64url } from '@/lib/approvals';
import { AppError } from '@/lib/errors';
import type { WalletRole } from '@/lib/roles';
import { hashToken, randomToken } from '../auth/tokens';
import { appendAudit } from './audit';
import type { SessionInfo } from './sessions';

/** What a request authenticated by an API key knows about its caller (ctx.apiKey). */
export interface ApiKeyInfo {
  id: string;
  orgId: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  expiresAt: Date;
}

export interface SigningKeyInput {
  algorithm: ApiSigningAlgorithm;
  /** base64url (no padding) of the raw public key. */
  publicKey: string;
}

/** lastUsedAt is written at most this often per key (a busy integration must not write on every call). */
export const LAST_USED_RESOLUTION_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Tokens and authentication

export function newApiToken(): { token: string; prefix: string } {
  const prefix = bytesToHex(crypto.getRandomValues(new Uint8Array(4)));
  return { token: `ks_${prefix}_${randomToken(32)}`, prefix };
}

/**
 * The bearer token of an `Authorization` header, '' for a Bearer header without a usable token,
 * or null when there is no Bearer header at all (other schemes, e.g. Basic from a reverse proxy
 * in front of the app, are not ours and are ignored).
 */
export function bearerToken(header: string | null): string | null {
  if (!header) return null;
  const match = /^\s*bearer(?:\s+(.*))?$/i.exec(header);
  if (!match) return null;
  return (match[1] ?? '').trim();
}

/** The key behind a bearer token, or a typed UNAUTHORIZED error (API_KEY_INVALID / _EXPIRED / _REVOKED). */
export async function authenticateApiKey(db: Db, token: string, now = new Date()): Promise<ApiKeyInfo> {
  const parsed = API_TOKEN_RE.exec(token);
  if (!parsed) throw new AppError('API_KEY_INVALID', 'bearer token is not ks_<prefix>_<secret>');
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.secretHash, hashToken(token))).limit(1);
  if (!row || row.prefix !== parsed[1]) throw new AppError('API_KEY_INVALID', `no API key with prefix ${parsed[1]}`);
  if (row.revokedAt) throw new AppError('API_KEY_REVOKED', `API key ${row.id} revoked at ${row.revokedAt.toISOString()}`);
  if (row.expiresAt <= now) throw new AppError('API_KEY_EXPIRED', `API key ${row.id} expired at ${row.expiresAt.toISOString()}`);
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Guarded: concurrent requests of one key write at most once per interval.
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
  }
  return { id: row.id, orgId: row.orgId, name: row.name, prefix: row.prefix, scopes: row.scopes.filter(isScope), expiresAt: row.expiresAt };
}

function isScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Signing keys

/**
 * Validates a raw public key as verifyApiKeySignature (lib/approvals/signatures.ts) will read it:
 * Ed25519 32 bytes, strict encoding, not of small order; P-256 SEC1 33 or 65 bytes, on the curve.
 * Returns the canonical base64url (unpadded) spelling that is stored.
 */
export function checkSigningPublicKey(input: SigningKeyInput): SigningKeyInput {
  const bytes = fromBase64url(input.publicKey.trim());
  const bad = (why: string): never => {
    throw new AppError('API_SIGNING_KEY_INVALID', `${input.algorithm}: ${why}`);
  };
  if (!bytes) bad('not base64url (RFC 4648 §5, no padding)');
  const key = bytes!;
  switch (input.algorithm) {
    case 'ed25519': {
      if (key.length !== 32) bad(`${key.length} bytes, expected 32`);
      try {
        if (ed25519.Point.fromBytes(key, false).isSmallOrder()) bad('small-order point');
      } catch (error) {
        if (error instanceof AppError) throw error;
        bad(`not a valid Ed25519 point: ${(error as Error).message}`);
      }
      break;
    }
    case 'p256': {
      if (key.length !== 33 && key.length !== 65) bad(`${key.length} bytes, expected SEC1 33 or 65`);
      try {
        p256.Point.fromBytes(key).assertValidity();
      } catch (error) {
        bad(`not a valid P-256 point: ${(error as Error).message}`);
      }
      break;
    }
    default:
      bad('unknown algorithm');
  }
  return { algorithm: input.algorithm, publicKey: toBase64url(key) };
}

// ---------------------------------------------------------------------------------------------
// Administration (org admins)

type ApiKeyRow = typeof apiKeys.$inferSelect;

function checkExpiry(expiresAt: Date, now: Date) {
  if (!(expiresAt.getTime() > now.getTime() + 60_000)) throw new AppError('API_KEY_EXPIRY_INVALID', 'expiry is not in the future');
  if (expiresAt.getTime() > now.getTime() + API_KEY_MAX_DAYS * 86_400_000) throw new AppError('API_KEY_EXPIRY_INVALID', `expiry beyond ${API_KEY_MAX_DAYS} days`);
}

/** Creates a key; the token is returned here and never again (only its hash is stored). */
export async function createApiKey(
  db: Db,
  actor: SessionInfo,
  input: { name: string; scopes: readonly ApiScope[]; expiresAt: Date; signingKey?: SigningKeyInput | null | undefined },
  now = new Date(),
) {
  checkExpiry(input.expiresAt, now);
  const scopes = API_SCOPES.filter((s) => input.scopes.includes(s));
  const signing = input.signingKey ? checkSigningPublicKey(input.signingKey) : null;
  const { token, prefix } = newApiToken();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiKeys)
      .values({
        orgId: actor.orgId,
        name: input.name,
        prefix,
        secretHash: hashToken(token),
        scopes,
        signingAlgorithm: signing?.algorithm ?? null,
        signingPublicKey: signing?.publicKey ?? null,
        createdBy: actor.userId,
        createdAt: now,
        expiresAt: input.expiresAt,
      })
      .returning();
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: 'api_key.created',
      payload: {
        apiKeyId: created!.id,
        name: input.name,
        prefix,
        scopes,
        expiresAt: input.expiresAt.toISOString(),
        signingAlgorithm: signing?.algorithm ?? null,
        signingPublicKey: signing?.publicKey ?? null,
      },
    });
    return created!;
  });
  return { apiKeyId: row.id, prefix, token, expiresAt: row.expiresAt };
}

/** Every key of the organisation (newest first) with its wallet roles; never the hash. */
export async function listApiKeys(db: Db, orgId: string, now = new Date()) {
  const rows = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      signingAlgorithm: apiKeys.signingAlgorithm,
      signingPublicKey: apiKeys.signingPublicKey,
      createdAt: apiKeys.createdAt,
      createdByName: users.displayName,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
  const roles = await db
    .select({ apiKeyId: walletApiKeys.apiKeyId, walletId: wallets.id, walletName: wallets.name, role: walletApiKeys.role })
    .from(walletApiKeys)
    .innerJoin(wallets, eq(wallets.id, walletApiKeys.walletId))
    .where(eq(wallets.orgId, orgId))
    .orderBy(asc(wallets.name));
  return rows.map((r) => ({
    ...r,
    scopes: r.scopes.filter(isScope),
    signingAlgorithm: (r.signingAlgorithm as ApiSigningAlgorithm | null) ?? null,
    status: r.revokedAt ? ('revoked' as const) : r.expiresAt <= now ? ('expired' as const) : ('active' as const),
    wallets: roles.filter((w) => w.apiKeyId === r.id).map(({ apiKeyId: _id, ...w }) => w),
  }));
}

/** A key of the admin's organisation; another organisation's key is NOT_FOUND. */
async function keyOfOrg(db: DbOrTx, orgId: string, apiKeyId: string, forUpdate = false): Promise<ApiKeyRow> {
  const query = db.select().from(apiKeys).where(and(eq(apiKeys.id, apiKeyId), eq(apiKeys.orgId, orgId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw new AppError('NOT_FOUND', `API key ${apiKeyId} not in org ${orgId}`);
  return row;
}

/** Takes effect on the key's next request. Revoking a revoked key is a no-op. */
export async function revokeApiKey(db: Db, actor: SessionInfo, apiKeyId: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const key = await keyOfOrg(tx, actor.orgId, apiKeyId, true);
    if (key.revokedAt) return { revokedAt: key.revokedAt };
    await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, key.id));
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'api_key.revoked', payload: { apiKeyId: key.id, name: key.name, prefix: key.prefix } });
    return { revokedAt: now };
  });
}

/** Registers (or with null, removes) the key an API key signs approvals with. */
export async function setApiKeySigningKey(db: Db, actor: SessionInfo, apiKeyId: string, signingKey: SigningKeyInput | null, now = new Date()) {
  const signing = signingKey ? checkSigningPublicKey(signingKey) : null;
  return db.transaction(async (tx) => {
    const key = await keyOfOrg(tx, actor.orgId, apiKeyId, true);
    if (key.revokedAt || key.expiresAt <= now) throw new AppError('API_KEY_STATE', `API key ${key.id} is revoked or expired`);
    // An approver's signing key is what its approvals are checked against: swapping it would let
    // an admin approve in the bot's name. While it approves on a wallet, the key stays fixed;
    // removing the role (immediate) and granting it again (through the wallet's quorum) is the way.
    const approving = await tx.select({ walletId: walletApiKeys.walletId }).from(walletApiKeys).where(and(eq(walletApiKeys.apiKeyId, key.id), eq(walletApiKeys.role, 'approver')));
    if (approving.length) {
      throw new AppError('API_KEY_STATE', `API key ${key.id} approves on ${approving.length} wallet(s)`, {
        userMessage: `This API key is an approver on ${approving.length} wallet(s); its signing key cannot change while it approves. Remove its approver role, change the key, then ask the wallet’s approvers to grant the role again.`,
      });
    }
    await tx
      .update(apiKeys)
      .set({ signingAlgorithm: signing?.algorithm ?? null, signingPublicKey: signing?.publicKey ?? null })
      .where(eq(apiKeys.id, key.id));
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: signing ? 'api_key.signing_key_set' : 'api_key.signing_key_removed',
      payload: {
        apiKeyId: key.id,
        prefix: key.prefix,
        algorithm: signing?.algorithm ?? null,
        publicKey: signing?.publicKey ?? null,
        previousAlgorithm: key.signingAlgorithm,
        previousPublicKey: key.signingPublicKey,
      },
    });
    return { signingAlgorithm: signing?.algorithm ?? null, signingPublicKey: signing?.publicKey ?? null };
  });
}

// ---------------------------------------------------------------------------------------------
// Wallet roles of API keys (called by the wallet-membership workflow, inside its transaction)

async function walletAndKey(tx: DbOrTx, walletId: string, apiKeyId: string) {
  const [wallet] = await tx.select({ id: wallets.id, orgId: wallets.orgId }).from(wallets).where(eq(wallets.id, walletId));
  if (!wallet) throw new AppError('NOT_FOUND', `wallet ${walletId}`);
  const [key] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, apiKeyId), eq(apiKeys.orgId, wallet.orgId)));
  if (!key) throw new AppError('NOT_FOUND', `API key ${apiKeyId} not in the wallet's org ${wallet.orgId}`);
  return { wallet, key };
}

/**
 * Gives an API key a role on a wallet of its organisation (or changes it), audited in `tx`.
 * The caller (the wallet-membership workflow) decides whether the change needs approvals first.
 */
export async function grantApiKeyWalletRole(tx: DbOrTx, walletId: string, apiKeyId: string, role: WalletRole, opts: { actorUserId?: string | null; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const { wallet, key } = await walletAndKey(tx, walletId, apiKeyId);
  if (key.revokedAt || key.expiresAt <= now) throw new AppError('API_KEY_STATE', `API key ${key.id} is revoked or expired`);
  const [before] = await tx.select({ role: walletApiKeys.role }).from(walletApiKeys).where(and(eq(walletApiKeys.walletId, walletId), eq(walletApiKeys.apiKeyId, apiKeyId)));
  if (before?.role === role) return { changed: false as const, previousRole: role };
  await tx
    .insert(walletApiKeys)
    .values({ walletId, apiKeyId, role, createdAt: now })
    .onConflictDoUpdate({ target: [walletApiKeys.walletId, walletApiKeys.apiKeyId], set: { role } });
  await appendAudit(tx, {
    orgId: wallet.orgId,
    actorUserId: opts.actorUserId ?? null,
    type: 'wallet.api_key_role_granted',
    payload: { walletId, apiKeyId, prefix: key.prefix, role, previousRole: before?.role ?? null },
  });
  return { changed: true as const, previousRole: before?.role ?? null };
}

/** Removes an API key's role on a wallet (audited in `tx`); false when it had none. */
export async function revokeApiKeyWalletRole(tx: DbOrTx, walletId: string, apiKeyId: string, opts: { actorUserId?: string | null } = {}) {
  const { wallet, key } = await walletAndKey(tx, walletId, apiKeyId);
  const removed = await tx
    .delete(walletApiKeys)
    .where(and(eq(walletApiKeys.walletId, walletId), eq(walletApiKeys.apiKeyId, apiKeyId)))
    .returning({ role: walletApiKeys.role });
  if (!removed.length) return false;
  await appendAudit(tx, {
    orgId: wallet.orgId,
    actorUserId: opts.actorUserId ?? null,
    type: 'wallet.api_key_role_revoked',
    payload: { walletId, apiKeyId, prefix: key.prefix, previousRole: removed[0]!.role },
  });
  return true;
}
