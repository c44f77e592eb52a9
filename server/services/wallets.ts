/**
 * Wallet creation, server side. The browser generates Key #1 and Key #2 and encrypts them; the
 * server only ever receives public key origins, the encrypted Key #1 envelope and what it can
 * recompute itself (descriptor, first address), which it does, refusing any mismatch.
 *
 *   start   → wallet row (pending_keys), Key #3 from the co-signer, creator = approver
 *   finish  → key origins + Key #1 envelope checked and stored; confirmation code issued
 *   confirm → the code printed on the key card typed back: wallet active
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Db } from '@/db/client';
import { cosignerKeys, walletAddresses, walletKeys, walletMembers, wallets } from '@/db/schema';
import { deriveAddress, parseEnvelope, parseKeyOrigin, walletDescriptor, type KeyOrigin } from '@/lib/crypto';
import { AppError } from '@/lib/errors';
import type { BitcoinNetworkName } from '@/lib/wallet-constants';
import { originsFromKeys } from '@/lib/wallet-keys';
import type { CoSigner } from '../cosigner/types';
import { appendAudit } from './audit';
import { GAP_LIMIT } from './wallet-sync';
import type { SessionInfo } from './sessions';

type Wallet = typeof wallets.$inferSelect;

/** Unambiguous alphabet (no 0/O, 1/I/L): the code is read off paper and typed back. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newConfirmCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export function normalizeConfirmCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function codeHash(walletId: string, code: string): string {
  return bytesToHex(sha256(utf8ToBytes(`keystead/keycard-code/v1|${walletId}|${normalizeConfirmCode(code)}`)));
}

export async function startWalletCreation(db: Db, cosigner: CoSigner, actor: SessionInfo, input: { name: string; network: BitcoinNetworkName }) {
  const key = await cosigner.createBitcoinKey(input.network);
  const recoveryKey = await cosigner.recoveryPublicKey();
  const walletId = await db.transaction(async (tx) => {
    const [wallet] = await tx
      .insert(wallets)
      .values({ orgId: actor.orgId, name: input.name, chain: 'bitcoin', network: input.network, status: 'pending_keys', createdBy: actor.userId })
      .returning({ id: wallets.id });
    const id = wallet!.id;
    await tx.insert(cosignerKeys).values({ walletId: id, backend: cosigner.backend, wrapped: key.wrapped });
    await tx.insert(walletKeys).values({ walletId: id, role: 'cosigner', ...key.origin });
    await tx.insert(walletMembers).values({ walletId: id, userId: actor.userId, role: 'approver', grantedBy: actor.userId });
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: 'wallet.created',
      payload: { walletId: id, name: input.name, chain: 'bitcoin', network: input.network, cosigner: { fingerprint: key.origin.fingerprint, path: key.origin.path, backend: cosigner.backend } },
    });
    return id;
  });
  return { walletId, network: input.network, cosigner: key.origin, recoveryKey };
}

export interface FinishInput {
  userKey: unknown;
  backupKey: unknown;
  userEnvelope: unknown;
  descriptor: string;
  firstAddress: string;
}

function parseOrigin(value: unknown, network: BitcoinNetworkName, what: string): KeyOrigin {
  try {
    return parseKeyOrigin(value, network);
  } catch (error) {
    throw new AppError('INVALID_WALLET_KEYS', `${what}: ${(error as Error).message}`, { cause: error });
  }
}

export async function finishWalletCreation(db: Db, actor: SessionInfo, wallet: Wallet, input: FinishInput) {
  if (wallet.status !== 'pending_keys') throw new AppError('WALLET_STATE', `wallet ${wallet.id} is ${wallet.status}`);
  if (wallet.createdBy !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the creator registers the keys');
  const network = wallet.network as BitcoinNetworkName;
  const user = parseOrigin(input.userKey, network, 'user key');
  const backup = parseOrigin(input.backupKey, network, 'backup key');
  const [cosignerRow] = await db.select().from(walletKeys).where(and(eq(walletKeys.walletId, wallet.id), eq(walletKeys.role, 'cosigner')));
  const cosigner = parseOrigin(cosignerRow, network, 'co-signer key');
  const fingerprints = new Set([user.fingerprint, backup.fingerprint, cosigner.fingerprint]);
  const xpubs = new Set([user.xpub, backup.xpub, cosigner.xpub]);
  if (fingerprints.size !== 3 || xpubs.size !== 3) throw new AppError('INVALID_WALLET_KEYS', 'the three keys must be distinct');
  let envelope;
  try {
    envelope = parseEnvelope(input.userEnvelope);
  } catch (error) {
    throw new AppError('INVALID_WALLET_KEYS', `user key envelope: ${(error as Error).message}`, { cause: error });
  }

  // Never trust the browser's own rendering of public data: recompute and compare.
  const origins: [KeyOrigin, KeyOrigin, KeyOrigin] = [user, backup, cosigner];
  const descriptor = walletDescriptor(origins, network);
  if (descriptor !== input.descriptor) throw new AppError('WALLET_MISMATCH', `descriptor differs: server ${descriptor}`);
  const first = deriveAddress(origins, network, 0, 0);
  if (first.address !== input.firstAddress) throw new AppError('WALLET_MISMATCH', `first address differs: server ${first.address}`);

  const confirmCode = newConfirmCode();
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(wallets)
      .set({ status: 'awaiting_keycard', descriptor, keycardCodeHash: codeHash(wallet.id, confirmCode) })
      .where(and(eq(wallets.id, wallet.id), eq(wallets.status, 'pending_keys')))
      .returning({ id: wallets.id });
    if (!updated) throw new AppError('WALLET_STATE', 'keys registered concurrently');
    await tx.insert(walletKeys).values([
      { walletId: wallet.id, role: 'user', ...user, envelope },
      { walletId: wallet.id, role: 'backup', ...backup },
    ]);
    await tx.insert(walletAddresses).values({ walletId: wallet.id, branch: 0, index: 0, address: first.address, witnessScript: first.witnessScript });
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: 'wallet.keys_registered',
      payload: {
        walletId: wallet.id,
        descriptorChecksum: descriptor.slice(descriptor.indexOf('#') + 1),
        fingerprints: { user: user.fingerprint, backup: backup.fingerprint, cosigner: cosigner.fingerprint },
        firstAddress: first.address,
      },
    });
  });
  return { descriptor, firstAddress: first.address, confirmCode };
}

export async function confirmKeycard(db: Db, actor: SessionInfo, wallet: Wallet, code: string) {
  if (wallet.status === 'active') return { activated: false };
  if (wallet.status !== 'awaiting_keycard' || !wallet.keycardCodeHash) throw new AppError('WALLET_STATE', `wallet ${wallet.id} is ${wallet.status}`);
  if (codeHash(wallet.id, code) !== wallet.keycardCodeHash) throw new AppError('KEYCARD_CODE_MISMATCH');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(wallets)
      .set({ status: 'active', keycardConfirmedAt: new Date() })
      .where(and(eq(wallets.id, wallet.id), eq(wallets.status, 'awaiting_keycard')))
      .returning({ id: wallets.id });
    if (!row) throw new AppError('WALLET_STATE', 'wallet changed concurrently');
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'wallet.activated', payload: { walletId: wallet.id, keycardConfirmed: true } });
  });
  return { activated: true };
}

export async function walletDetails(db: Db, wallet: Wallet) {
  const keys = await db
    .select({ role: walletKeys.role, fingerprint: walletKeys.fingerprint, path: walletKeys.path, xpub: walletKeys.xpub })
    .from(walletKeys)
    .where(eq(walletKeys.walletId, wallet.id))
    .orderBy(asc(walletKeys.createdAt));
  const order = { user: 0, backup: 1, cosigner: 2 } as const;
  keys.sort((a, b) => order[a.role] - order[b.role]);
  return { ...wallet, keys };
}

export async function receiveAddresses(db: Db, walletId: string) {
  return db
    .select({ index: walletAddresses.index, address: walletAddresses.address, createdAt: walletAddresses.createdAt })
    .from(walletAddresses)
    .where(and(eq(walletAddresses.walletId, walletId), eq(walletAddresses.branch, 0)))
    .orderBy(asc(walletAddresses.index));
}

/**
 * Hands out the next receive address. Until chain sync (issue 4) marks addresses used, every
 * handed-out address counts as unused, so at most GAP_LIMIT are issued (BIP44 gap limit: a
 * recovering wallet scanning 20 unused addresses ahead still finds every payment).
 */
export async function issueReceiveAddress(db: Db, actor: SessionInfo, wallet: Wallet) {
  if (wallet.status !== 'active') throw new AppError('WALLET_STATE', 'wallet not active');
  const network = wallet.network as BitcoinNetworkName;
  return db.transaction(async (tx) => {
    await tx.select({ id: wallets.id }).from(wallets).where(eq(wallets.id, wallet.id)).for('update');
    const [{ next } = { next: 0 }] = await tx
      .select({ next: sql<number>`coalesce(max(${walletAddresses.index}) + 1, 0)` })
      .from(walletAddresses)
      .where(and(eq(walletAddresses.walletId, wallet.id), eq(walletAddresses.branch, 0)));
    if (Number(next) >= GAP_LIMIT) throw new AppError('GAP_LIMIT_REACHED');
    const origins = originsFromKeys(await tx.select().from(walletKeys).where(eq(walletKeys.walletId, wallet.id)), network);
    const derived = deriveAddress(origins, network, 0, Number(next));
    await tx.insert(walletAddresses).values({ walletId: wallet.id, branch: 0, index: Number(next), address: derived.address, witnessScript: derived.witnessScript });
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'wallet.address_issued', payload: { walletId: wallet.id, index: Number(next), address: derived.address } });
    return { index: Number(next), address: derived.address };
  });
}
