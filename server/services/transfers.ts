/**
 * Outgoing transfers: create (server builds the PSBT from the wallet's coins) → approve (1-of-1
 * until the policy engine lands) → the approver's browser receives the encrypted Key #1 and the
 * PSBT, signs → the co-signer re-verifies the PSBT against the approved request and signs with
 * Key #3 → finalize → broadcast → confirmed. Each transition is a guarded UPDATE plus its audit
 * entry in one transaction. The signed raw transaction is stored before it is broadcast, so a
 * crash between the two is healed by re-broadcasting the same bytes (never by signing again).
 */

import { Transaction } from '@scure/btc-signer';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { cosignerKeys, transferRequests, walletAddresses, walletKeys, walletSyncState, walletUtxos, wallets } from '@/db/schema';
import { BitcoinError } from '@/lib/bitcoin/errors';
import { parseBtcAmount } from '@/lib/bitcoin/amount';
import { deriveAddress } from '@/lib/crypto';
import { describePsbt, finalizeAndExtract } from '@/lib/crypto/psbt';
import { AppError } from '@/lib/errors';
import type { BitcoinNetworkName } from '@/lib/wallet-constants';
import { buildUnsignedPsbt, type WalletUtxo } from '../bitcoin/build-psbt';
import type { BitcoinChain } from '../chains/bitcoin/types';
import type { CoSigner } from '../cosigner/types';
import { CosignRefusedError, cosignPsbt } from '../cosigner/verify-psbt';
import { crashPoint } from '../faults';
import { appendAudit } from './audit';
import type { SessionInfo } from './sessions';
import { highestAddressIndex, walletOrigins } from './wallet-sync';

type Wallet = typeof wallets.$inferSelect;
type Transfer = typeof transferRequests.$inferSelect;
type State = Transfer['state'];
interface StoredOutput {
  address: string;
  valueSats: string;
}
interface StoredInput {
  txid: string;
  vout: number;
  valueSats: string;
}

/** States whose coins are spoken for: a new transfer must not select them. */
const ACTIVE: State[] = ['pending_approval', 'approved', 'cosigned', 'broadcast'];

function asTransferError(error: unknown): never {
  if (error instanceof BitcoinError) throw new AppError('TRANSFER_INVALID', `${error.code}: ${error.message}`, { cause: error, userMessage: error.message });
  throw error;
}

export async function createTransfer(
  db: Db,
  chain: BitcoinChain,
  actor: SessionInfo,
  wallet: Wallet,
  input: { outputs: { address: string; amount: string }[]; feeRateSatVb?: number | undefined; sendMax?: boolean | undefined },
) {
  if (wallet.status !== 'active') throw new AppError('WALLET_STATE', 'wallet not active');
  const network = wallet.network as BitcoinNetworkName;
  const origins = await walletOrigins(db, wallet.id, network);
  const [state] = await db.select().from(walletSyncState).where(eq(walletSyncState.walletId, wallet.id));
  const tip = state?.tipHeight ?? (await chain.tip()).height;
  const feeRateSatVb = input.feeRateSatVb ?? (await chain.feeRate(3)).satPerVb;

  const reserved = new Set(
    (await db.select({ inputs: transferRequests.inputs }).from(transferRequests).where(and(eq(transferRequests.walletId, wallet.id), inArray(transferRequests.state, ACTIVE))))
      .flatMap((r) => (r.inputs as StoredInput[]).map((i) => `${i.txid}:${i.vout}`)),
  );
  const coins: WalletUtxo[] = (await db.select().from(walletUtxos).where(eq(walletUtxos.walletId, wallet.id)))
    .filter((u) => !reserved.has(`${u.txid}:${u.vout}`))
    .map((u) => ({
      txid: u.txid,
      vout: u.vout,
      valueSats: u.valueSats,
      confirmations: u.height === null ? 0 : tip - u.height + 1,
      isOwnChange: u.branch === 1,
      isCoinbase: u.coinbase,
      scriptPubKey: u.scriptPubKey,
      branch: u.branch as 0 | 1,
      index: u.index,
    }));
  const changeIndex = (await highestAddressIndex(db, wallet.id, 1)) + 1;

  let built;
  try {
    const outputs = input.outputs.map((o) => ({ address: o.address.trim(), valueSats: input.sendMax ? 0n : parseBtcAmount(o.amount) }));
    built = buildUnsignedPsbt({ wallet: { origins, network }, utxos: coins, outputs, feeRateSatVb, change: { index: changeIndex }, sendMax: input.sendMax ?? false, rbf: true, tipHeight: tip });
  } catch (error) {
    asTransferError(error);
  }

  return storeTransfer(db, actor, wallet, origins, built, { feeRateSatVb, sendMax: input.sendMax ?? false, replacesId: null });
}

type Built = ReturnType<typeof buildUnsignedPsbt>;

/** Persists a freshly built transfer (pending approval) with its change address and audit entry. */
async function storeTransfer(
  db: Db,
  actor: SessionInfo,
  wallet: Wallet,
  origins: Awaited<ReturnType<typeof walletOrigins>>,
  built: Built,
  meta: { feeRateSatVb: number; sendMax: boolean; replacesId: string | null },
) {
  const network = wallet.network as BitcoinNetworkName;
  return db.transaction(async (tx) => {
    if (built.changeOutput) {
      const d = deriveAddress(origins, network, 1, built.changeOutput.index);
      await tx.insert(walletAddresses).values({ walletId: wallet.id, branch: 1, index: d.index, address: d.address, witnessScript: d.witnessScript }).onConflictDoNothing();
    }
    const outputs: StoredOutput[] = built.outputs.map((o) => ({ address: o.address, valueSats: o.valueSats.toString() }));
    const inputs: StoredInput[] = built.selectedUtxos.map((u) => ({ txid: u.txid, vout: u.vout, valueSats: u.valueSats.toString() }));
    const [row] = await tx
      .insert(transferRequests)
      .values({
        walletId: wallet.id,
        orgId: actor.orgId,
        initiatorId: actor.userId,
        state: 'pending_approval',
        outputs,
        sendMax: meta.sendMax,
        feeRate: String(meta.feeRateSatVb),
        feeSats: built.feeSats,
        // The approval covers exactly this fee; an RBF bump is a new approval.
        feeCapSats: built.feeSats,
        vsize: built.vsize,
        inputs,
        changeIndex: built.changeOutput?.index ?? null,
        replacesId: meta.replacesId,
        unsignedPsbt: built.psbtBase64,
      })
      .returning();
    await appendAudit(tx, {
      orgId: actor.orgId,
      actorUserId: actor.userId,
      type: meta.replacesId ? 'transfer.bump_created' : 'transfer.created',
      payload: {
        transferId: row!.id,
        walletId: wallet.id,
        outputs: outputs.map((o) => ({ ...o })),
        feeSats: built.feeSats.toString(),
        feeRate: String(meta.feeRateSatVb),
        ...(meta.replacesId ? { replacesId: meta.replacesId } : {}),
      },
    });
    return row!;
  });
}

/**
 * Fee bump of a stuck transfer (BIP125): the same payments from the same coins at a higher fee
 * rate, as a new request that goes through approval again. When it is broadcast, the original
 * becomes `replaced`.
 */
export async function bumpTransfer(db: Db, chain: BitcoinChain, actor: SessionInfo, wallet: Wallet, original: Transfer, feeRateSatVb: number) {
  if (original.state !== 'broadcast') throw new AppError('TRANSFER_STATE', 'only a broadcast, unconfirmed transfer can be bumped');
  const oldRate = Number(original.feeRate);
  // BIP125 rule 4: pay at least the incremental relay fee (1 sat/vB) more per vbyte.
  if (!(feeRateSatVb >= oldRate + 1)) {
    throw new AppError('TRANSFER_INVALID', `rate ${feeRateSatVb} <= ${oldRate} + 1`, { userMessage: `Choose a fee rate of at least ${oldRate + 1} sat/vB (the current one plus 1).` });
  }
  const network = wallet.network as BitcoinNetworkName;
  const origins = await walletOrigins(db, wallet.id, network);
  const described = describePsbt(original.unsignedPsbt, { origins, network });
  const coins: WalletUtxo[] = described.inputs.map((i) => ({
    txid: i.txid,
    vout: i.vout,
    valueSats: i.valueSats,
    confirmations: 1, // they were spendable when the original was built
    scriptPubKey: deriveAddress(origins, network, i.branch, i.index).scriptPubKey,
    branch: i.branch,
    index: i.index,
  }));
  const payments = (original.outputs as StoredOutput[]).map((o) => ({ address: o.address, valueSats: BigInt(o.valueSats) }));
  let built: Built;
  try {
    built = buildUnsignedPsbt({
      wallet: { origins, network },
      utxos: coins,
      outputs: original.sendMax ? payments.map((p) => ({ ...p, valueSats: 0n })) : payments,
      feeRateSatVb,
      change: { index: original.changeIndex ?? (await highestAddressIndex(db, wallet.id, 1)) + 1 },
      sendMax: original.sendMax,
      rbf: true,
      tipHeight: (await chain.tip()).height,
    });
  } catch (error) {
    asTransferError(error);
  }
  const spendsOriginalCoin = built.selectedUtxos.some((u) => (original.inputs as StoredInput[]).some((i) => i.txid === u.txid && i.vout === u.vout));
  if (!spendsOriginalCoin) throw new AppError('TRANSFER_INVALID', 'bump does not conflict with the original');
  return storeTransfer(db, actor, wallet, origins, built, { feeRateSatVb, sendMax: original.sendMax, replacesId: original.id });
}

async function transition(tx: Tx, transfer: Transfer, from: State, to: State, set: Partial<typeof transferRequests.$inferInsert> = {}) {
  const [row] = await tx
    .update(transferRequests)
    .set({ ...set, state: to, updatedAt: new Date() })
    .where(and(eq(transferRequests.id, transfer.id), eq(transferRequests.state, from)))
    .returning();
  if (!row) throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is not ${from}`);
  return row;
}

export async function loadTransfer(db: Db, wallet: Wallet, transferId: string): Promise<Transfer> {
  const [row] = await db.select().from(transferRequests).where(and(eq(transferRequests.id, transferId), eq(transferRequests.walletId, wallet.id)));
  if (!row) throw new AppError('NOT_FOUND', `transfer ${transferId} not in wallet ${wallet.id}`);
  return row;
}

export async function listTransfers(db: Db, walletId: string) {
  return db.select().from(transferRequests).where(eq(transferRequests.walletId, walletId)).orderBy(desc(transferRequests.createdAt)).limit(100);
}

export async function decideTransfer(db: Db, actor: SessionInfo, transfer: Transfer, decision: 'approve' | 'reject' | 'cancel') {
  return db.transaction(async (tx) => {
    const to = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'cancelled';
    const extra = decision === 'approve' ? { approvedBy: actor.userId, approvedAt: new Date() } : {};
    const row = await transition(tx, transfer, 'pending_approval', to, extra);
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: `transfer.${to}`, payload: { transferId: transfer.id, walletId: transfer.walletId } });
    return row;
  });
}

/** The final approver's browser gets the encrypted Key #1 and the PSBT to sign. */
export async function signingMaterial(db: Db, actor: SessionInfo, transfer: Transfer) {
  if (transfer.state !== 'approved') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${transfer.state}`);
  if (transfer.approvedBy !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the final approver signs');
  const [key] = await db.select().from(walletKeys).where(and(eq(walletKeys.walletId, transfer.walletId), eq(walletKeys.role, 'user')));
  await db.transaction((tx) =>
    appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.key_released', payload: { transferId: transfer.id, walletId: transfer.walletId, key: 'user', encrypted: true } }),
  );
  return { psbt: transfer.unsignedPsbt, envelope: key!.envelope as Record<string, unknown> };
}

function unsignedTxid(psbtBase64: string): string {
  return Transaction.fromPSBT(Uint8Array.from(atob(psbtBase64), (c) => c.charCodeAt(0)), { allowUnknownOutputs: true, disableScriptCheck: true }).id;
}

/**
 * The approver's browser returns the PSBT with Key #1's signatures. It must be the very
 * transaction that was approved; the co-signer then re-verifies everything itself.
 */
export async function submitUserSignature(db: Db, cosigner: CoSigner, chain: BitcoinChain, actor: SessionInfo, wallet: Wallet, transfer: Transfer, signedPsbt: string) {
  if (transfer.state !== 'approved') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${transfer.state}`);
  if (transfer.approvedBy !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the final approver signs');
  let sameTx = false;
  try {
    sameTx = unsignedTxid(signedPsbt) === unsignedTxid(transfer.unsignedPsbt);
  } catch (error) {
    throw new AppError('COSIGN_REFUSED', `unparseable PSBT: ${(error as Error).message}`, { cause: error });
  }
  if (!sameTx) throw new AppError('COSIGN_REFUSED', 'signed PSBT is not the approved transaction');

  const network = wallet.network as BitcoinNetworkName;
  const origins = await walletOrigins(db, wallet.id, network);
  const [blob] = await db.select().from(cosignerKeys).where(eq(cosignerKeys.walletId, wallet.id));
  const approved = {
    outputs: (transfer.outputs as StoredOutput[]).map((o) => ({ address: o.address, valueSats: BigInt(o.valueSats) })),
    feeCapSats: transfer.feeCapSats,
    network,
  };
  const utxos = (transfer.inputs as StoredInput[]).map((i) => ({ txid: i.txid, vout: i.vout, valueSats: BigInt(i.valueSats) }));
  const tip = (await chain.tip()).height;
  let cosigned: string;
  try {
    cosigned = await cosignPsbt(cosigner, blob!.wrapped, signedPsbt, approved, { origins, network }, utxos, tip);
  } catch (error) {
    if (error instanceof CosignRefusedError) {
      await db.transaction((tx) =>
        appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.cosign_refused', payload: { transferId: transfer.id, reason: error.code } }),
      );
      throw new AppError('COSIGN_REFUSED', `${error.code}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const { txHex, txid } = finalizeAndExtract(cosigned);
  const row = await db.transaction(async (tx) => {
    const updated = await transition(tx, transfer, 'approved', 'cosigned', { cosignedPsbt: cosigned, rawTx: txHex, txid });
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.cosigned', payload: { transferId: transfer.id, txid } });
    return updated;
  });
  crashPoint('transfer.cosigned');
  return broadcastTransfer(db, chain, row);
}

/** Idempotent: re-sending the same signed bytes is harmless, and an already-known tx counts as sent. */
export async function broadcastTransfer(db: Db, chain: BitcoinChain, transfer: Transfer): Promise<Transfer> {
  if (transfer.state !== 'cosigned' || !transfer.rawTx || !transfer.txid) return transfer;
  try {
    const known = await chain.transaction(transfer.txid);
    if (!known) await chain.broadcast(transfer.rawTx);
    crashPoint('transfer.broadcast_sent');
  } catch (error) {
    const message = (error as Error).message.slice(0, 500);
    await db.update(transferRequests).set({ lastError: message, updatedAt: new Date() }).where(eq(transferRequests.id, transfer.id));
    throw new AppError('BROADCAST_FAILED', message, { cause: error });
  }
  return db.transaction(async (tx) => {
    const row = await transition(tx, transfer, 'cosigned', 'broadcast', { broadcastAt: new Date(), lastError: null });
    await appendAudit(tx, { orgId: transfer.orgId, actorUserId: null, type: 'transfer.broadcast', payload: { transferId: transfer.id, txid: transfer.txid } });
    if (transfer.replacesId) {
      const [replaced] = await tx
        .update(transferRequests)
        .set({ state: 'replaced', updatedAt: new Date() })
        .where(and(eq(transferRequests.id, transfer.replacesId), eq(transferRequests.state, 'broadcast')))
        .returning({ id: transferRequests.id });
      if (replaced) await appendAudit(tx, { orgId: transfer.orgId, actorUserId: null, type: 'transfer.replaced', payload: { transferId: transfer.replacesId, byTransferId: transfer.id } });
    }
    return row;
  });
}

/** A bump whose original confirmed first can never be mined: it fails, nothing was spent twice. */
async function failBumpIfOriginalConfirmed(db: Db, bump: Transfer) {
  const [original] = await db.select().from(transferRequests).where(eq(transferRequests.id, bump.replacesId!));
  if (original?.state !== 'confirmed') return;
  await db.transaction(async (tx) => {
    await transition(tx, bump, 'cosigned', 'failed', { lastError: 'the original transaction confirmed first' });
    await appendAudit(tx, { orgId: bump.orgId, actorUserId: null, type: 'transfer.failed', payload: { transferId: bump.id, reason: 'original_confirmed' } });
  });
}

/** Run by the background job: finish broadcasts interrupted by a crash, and note confirmations. */
export async function advanceTransfers(db: Db, chain: BitcoinChain): Promise<void> {
  const open = await db.select().from(transferRequests).where(inArray(transferRequests.state, ['cosigned', 'broadcast']));
  for (const t of open) {
    if (t.state === 'cosigned') {
      const sent = await broadcastTransfer(db, chain, t).catch(() => null);
      if (!sent && t.replacesId) await failBumpIfOriginalConfirmed(db, t);
      continue;
    }
    const onChain = await chain.transaction(t.txid!);
    if (onChain && onChain.confirmations > 0) {
      await db.transaction(async (tx) => {
        await transition(tx, t, 'broadcast', 'confirmed', { confirmedAt: new Date() });
        await appendAudit(tx, { orgId: t.orgId, actorUserId: null, type: 'transfer.confirmed', payload: { transferId: t.id, txid: t.txid, height: onChain.height } });
      });
    }
  }
}

