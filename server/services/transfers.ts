/**
 * Outgoing transfers: create (server builds the PSBT from the wallet's coins; the policy engine
 * decides allow / require a quorum / deny) → signed approvals until the frozen quorum is met →
 * the signer's browser receives the encrypted Key #1 and the PSBT (approved → signing), signs →
 * the co-signer re-verifies the PSBT against the approved request and signs with Key #3 →
 * finalize → broadcast → confirmed. Each transition is a guarded UPDATE plus its audit
 * entry in one transaction. The signed raw transaction is stored before it is broadcast, so a
 * crash between the two is healed by re-broadcasting the same bytes (never by signing again).
 */

import { Transaction } from '@scure/btc-signer';
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { cosignerKeys, transferRequests, walletAddresses, walletKeys, walletSyncState, walletUtxos, wallets } from '@/db/schema';
import { BitcoinError } from '@/lib/bitcoin/errors';
import { parseBtcAmount } from '@/lib/bitcoin/amount';
import { deriveAddress } from '@/lib/crypto';
import { describePsbt, finalizeAndExtract } from '@/lib/crypto/psbt';
import { AppError } from '@/lib/errors';
import type { BitcoinNetworkName } from '@/lib/wallet-constants';
import type { ApprovalDecision, ApprovalRequestInput } from '@/lib/approvals';
import { satsToBtcString } from '@/lib/bitcoin/amount';
import type { AppConfig } from '../config';
import { evaluatePolicy, maxVelocityWindowHours, samePrincipal, type PolicyDecision, type Principal } from '../policy';
import { assertEligible, decisionsFor, quorumStatus, recordDecision, snapshotQuorum, verifyEvidence, type ApprovalEvidence, type QuorumSnapshot } from './approvals';
import { activePolicy, policyDirectory, principalOf, velocityHistory } from './policies';
import { buildUnsignedPsbt, type WalletUtxo } from '../bitcoin/build-psbt';
import type { BitcoinChain } from '../chains/bitcoin/types';
import type { CoSigner } from '../cosigner/types';
import { CosignRefusedError, cosignPsbt } from '../cosigner/verify-psbt';
import { crashPoint } from '../faults';
import { announceTransfer } from './announce';
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
const ACTIVE: State[] = ['draft', 'pending_approval', 'approved', 'signing', 'cosigned', 'broadcast'];

/** The actor of a transfer step: a signed-in person (API keys come through the same shape). */
export interface Actor {
  orgId: string;
  principal: Principal;
  /** For audit entries; null for API keys. */
  userId: string | null;
}

export function actorOf(session: SessionInfo): Actor {
  return { orgId: session.orgId, principal: { kind: 'user', id: session.userId }, userId: session.userId };
}

const formatBtc = (n: bigint) => `${satsToBtcString(n)} BTC`;

interface Evaluated {
  decision: PolicyDecision;
  policyVersion: number;
  policyHash: string;
  quorum: QuorumSnapshot | null;
}

/**
 * Runs the wallet's active policy over a request about to be stored. A deny is audited and
 * refused (nothing is stored); a quorum that nobody eligible can meet is refused too.
 */
function requestOutputs(built: Built) {
  return [
    ...built.outputs.map((o) => ({ address: o.address, amount: o.valueSats, isChange: false })),
    ...(built.changeOutput ? [{ address: built.changeOutput.address, amount: built.changeOutput.valueSats, isChange: true }] : []),
  ];
}

async function evaluateTransfer(
  db: Db,
  actor: Actor,
  wallet: Wallet,
  outputs: { address: string; amount: bigint; isChange: boolean }[],
  feeCap: bigint,
  skipHistoryOf: string | null,
): Promise<Evaluated> {
  const now = new Date();
  const policy = await activePolicy(db, wallet.id);
  const directory = await policyDirectory(db, wallet, now);
  const history = (await velocityHistory(db, wallet.id, now, maxVelocityWindowHours(policy.document))).filter((h) => h.requestId !== skipHistoryOf);
  const decision = evaluatePolicy(
    policy.document,
    { requestId: 'new', walletId: wallet.id, initiator: actor.principal, outputs, feeCap, createdAt: now },
    history,
    { now },
    directory,
    { formatAmount: formatBtc, policyHash: policy.hash },
  );
  if (decision.action === 'deny') {
    await db.transaction((tx) =>
      appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.denied', payload: { walletId: wallet.id, policyVersion: policy.version, explanation: decision.explanation } }),
    );
    throw new AppError('POLICY_DENIED', decision.explanation.join(' | '), { userMessage: `The wallet’s policy (version ${policy.version}) refuses this transfer: ${decision.explanation.join(' ')}` });
  }
  if (decision.action === 'require_approval' && !decision.satisfiable) {
    throw new AppError('POLICY_UNSATISFIABLE', decision.explanation.join(' | '));
  }
  const quorum = decision.action === 'require_approval' ? snapshotQuorum(decision.quorum!, directory, decision.excluded) : null;
  return { decision, policyVersion: policy.version, policyHash: policy.hash, quorum };
}

function asTransferError(error: unknown): never {
  if (error instanceof BitcoinError) throw new AppError('TRANSFER_INVALID', `${error.code}: ${error.message}`, { cause: error, userMessage: error.message });
  throw error;
}

export async function createTransfer(
  db: Db,
  chain: BitcoinChain,
  config: AppConfig,
  actor: Actor,
  wallet: Wallet,
  input: { outputs: { address: string; amount: string }[]; feeRateSatVb?: number | undefined; sendMax?: boolean | undefined; draft?: boolean | undefined },
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

  // A draft is checked against the policy now (a deny is better known early) and again on submit.
  const evaluated = await evaluateTransfer(db, actor, wallet, requestOutputs(built), built.feeSats, null);
  return storeTransfer(db, config, actor, wallet, origins, built, evaluated, { feeRateSatVb, sendMax: input.sendMax ?? false, replacesId: null, draft: input.draft ?? false });
}

type Built = ReturnType<typeof buildUnsignedPsbt>;

/** Persists a freshly built transfer (pending approval) with its change address and audit entry. */
async function storeTransfer(
  db: Db,
  config: AppConfig,
  actor: Actor,
  wallet: Wallet,
  origins: Awaited<ReturnType<typeof walletOrigins>>,
  built: Built,
  evaluated: Evaluated,
  meta: { feeRateSatVb: number; sendMax: boolean; replacesId: string | null; draft: boolean },
) {
  const now = new Date();
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
        initiatorId: actor.principal.kind === 'user' ? actor.principal.id : null,
        initiatorApiKeyId: actor.principal.kind === 'api_key' ? actor.principal.id : null,
        ...(meta.draft ? { state: 'draft' as const, ...policyFields(evaluated) } : submission(config, actor, evaluated, now)),
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
        // Names an API-key initiator too (the audit row's actor column only holds people).
        initiator: { ...actor.principal },
        outputs: outputs.map((o) => ({ ...o })),
        feeSats: built.feeSats.toString(),
        feeRate: String(meta.feeRateSatVb),
        ...(meta.replacesId ? { replacesId: meta.replacesId } : {}),
        policyVersion: evaluated.policyVersion,
        decision: evaluated.decision.action,
        explanation: evaluated.decision.explanation,
      },
    });
    await announceTransfer(tx, 'transfer.created', row!);
    if (!meta.draft) await announceSubmission(tx, actor, row!);
    return row!;
  });
}

function policyFields(evaluated: Evaluated) {
  return {
    policyVersion: evaluated.policyVersion,
    policyHash: evaluated.policyHash,
    decision: evaluated.decision as unknown as Record<string, unknown>,
    quorum: evaluated.quorum as unknown as Record<string, unknown> | null,
  };
}

/** The columns of a request entering approval (or approved outright when the policy allows it). */
function submission(config: AppConfig, actor: Actor, evaluated: Evaluated, now: Date) {
  const allowed = evaluated.decision.action === 'allow';
  return {
    // Allowed outright by policy: no approvals to wait for; the initiator (if a person) signs.
    state: allowed ? ('approved' as const) : ('pending_approval' as const),
    approvedBy: allowed ? actor.userId : null,
    approvedAt: allowed ? now : null,
    ...policyFields(evaluated),
    expiresAt: allowed ? null : new Date(now.getTime() + config.APPROVAL_TTL_HOURS * 3600_000),
  };
}

async function announceSubmission(tx: Tx, actor: Actor, row: Transfer) {
  if (row.state === 'approved') {
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.approved', payload: { transferId: row.id, walletId: row.walletId, by: 'policy' } });
    await announceTransfer(tx, 'transfer.approved', row);
  } else {
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.submitted', payload: { transferId: row.id, walletId: row.walletId, policyVersion: row.policyVersion } });
    await announceTransfer(tx, 'transfer.pending_approval', row);
  }
}

/**
 * A draft goes to approval: the policy in force now decides (it may have changed since the
 * draft was saved), and the quorum is frozen at this moment.
 */
export async function submitDraft(db: Db, config: AppConfig, actor: Actor, wallet: Wallet, transfer: Transfer) {
  if (transfer.state !== 'draft') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${transfer.state}`);
  if (!isInitiator(actor, transfer)) throw new AppError('FORBIDDEN_ROLE', 'only the initiator submits a draft', { userMessage: 'Only the person who prepared this draft can submit it.' });
  const network = wallet.network as BitcoinNetworkName;
  const origins = await walletOrigins(db, wallet.id, network);
  const described = describePsbt(transfer.unsignedPsbt, { origins, network });
  const outputs = described.outputs.map((o) => ({ address: o.address ?? o.scriptHex, amount: o.valueSats, isChange: o.isChange }));
  const evaluated = await evaluateTransfer(db, actor, wallet, outputs, transfer.feeCapSats, transfer.id);
  return db.transaction(async (tx) => {
    const current = await lockTransfer(tx, transfer.id);
    const fields = submission(config, actor, evaluated, new Date());
    const row = await transition(tx, current, 'draft', fields.state, fields);
    await announceSubmission(tx, actor, row);
    return row;
  });
}

/**
 * Fee bump of a stuck transfer (BIP125): the same payments from the same coins at a higher fee
 * rate, as a new request that goes through approval again. When it is broadcast, the original
 * becomes `replaced`.
 */
export async function bumpTransfer(db: Db, chain: BitcoinChain, config: AppConfig, actor: Actor, wallet: Wallet, original: Transfer, feeRateSatVb: number) {
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
  // The bump pays the same people again in place of the original: its amounts count once.
  const evaluated = await evaluateTransfer(db, actor, wallet, requestOutputs(built), built.feeSats, original.id);
  return storeTransfer(db, config, actor, wallet, origins, built, evaluated, { feeRateSatVb, sendMax: original.sendMax, replacesId: original.id, draft: false });
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

/** What every approver of this transfer signs (with their decision): lib/approvals digest input. */
export function transferApprovalRequest(transfer: Transfer, wallet: Wallet): ApprovalRequestInput {
  return {
    orgId: transfer.orgId,
    walletId: transfer.walletId,
    requestId: transfer.id,
    requestKind: 'transfer',
    chain: 'bitcoin',
    network: wallet.network as BitcoinNetworkName,
    asset: 'BTC',
    outputs: (transfer.outputs as StoredOutput[]).map((o) => ({ address: o.address, amount: o.valueSats })),
    feeCap: transfer.feeCapSats,
    policyVersion: transfer.policyVersion ?? 0,
    policyHash: transfer.policyHash ?? '0'.repeat(64),
  };
}

/** Locks the transfer row for the rest of the transaction: decisions on one request run one at a time. */
async function lockTransfer(tx: Tx, id: string): Promise<Transfer> {
  const [row] = await tx.select().from(transferRequests).where(eq(transferRequests.id, id)).for('update');
  return row!;
}

/**
 * One approver's signed decision. The evidence is verified against the digest first; then, with
 * the row locked, the decision is stored (idempotently) and the frozen quorum re-evaluated: the
 * approval that completes it moves the request to approved, a rejection by any eligible approver
 * rejects it (veto). Concurrent and repeated calls make exactly one transition.
 */
export async function decideTransfer(db: Db, config: AppConfig, actor: Actor, wallet: Wallet, transfer: Transfer, decision: ApprovalDecision, evidence: ApprovalEvidence) {
  if (transfer.state !== 'pending_approval') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${transfer.state}`);
  const snapshot = transfer.quorum as QuorumSnapshot | null;
  if (!snapshot) throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} has no quorum`);
  assertEligible(snapshot, actor.principal);
  const { digest, proof } = await verifyEvidence(db, config, actor.principal, transferApprovalRequest(transfer, wallet), decision, evidence);
  return db.transaction(async (tx) => {
    const current = await lockTransfer(tx, transfer.id);
    if (current.state !== 'pending_approval') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${current.state}`);
    const { fresh } = await recordDecision(tx, { orgId: actor.orgId, requestKind: 'transfer', requestId: transfer.id, principal: actor.principal, decision, digest, proof });
    if (!fresh) return current;
    const base = { transferId: transfer.id, walletId: transfer.walletId, principal: actor.principal, digest };
    if (decision === 'reject') {
      const row = await transition(tx, current, 'pending_approval', 'rejected');
      await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.rejected', payload: base });
      await announceTransfer(tx, 'transfer.rejected', row);
      return row;
    }
    const status = quorumStatus(snapshot, await decisionsFor(tx, 'transfer', transfer.id));
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.approval_added', payload: { ...base, missing: status.missing } });
    await announceTransfer(tx, 'transfer.approval_added', current, { principal: `${actor.principal.kind}:${actor.principal.id}`, missing: status.missing.join('; ') });
    if (!status.satisfied) return current;
    const row = await transition(tx, current, 'pending_approval', 'approved', { approvedBy: actor.userId, approvedAt: new Date() });
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.approved', payload: { transferId: transfer.id, walletId: transfer.walletId, by: 'quorum' } });
    await announceTransfer(tx, 'transfer.approved', row);
    return row;
  });
}

function isInitiator(actor: Actor, transfer: Transfer): boolean {
  return samePrincipal(actor.principal, principalOf(transfer));
}

/** The initiator withdraws their own request before it is signed. */
export async function cancelTransfer(db: Db, actor: Actor, transfer: Transfer) {
  if (!isInitiator(actor, transfer)) throw new AppError('FORBIDDEN_ROLE', 'only the initiator cancels');
  return db.transaction(async (tx) => {
    const current = await lockTransfer(tx, transfer.id);
    if (current.state !== 'pending_approval' && current.state !== 'approved' && current.state !== 'draft') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${current.state}`);
    const row = await transition(tx, current, current.state, 'cancelled');
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.cancelled', payload: { transferId: transfer.id, walletId: transfer.walletId, by: { ...actor.principal } } });
    await announceTransfer(tx, 'transfer.cancelled', row);
    return row;
  });
}

/**
 * Who signs an approved transfer: the person whose approval completed the quorum (or who
 * initiated a transfer the policy allowed outright). When that was an API key, any of the
 * wallet's approvers may take it; the first to ask becomes the signer.
 */
function maySign(transfer: Transfer, userId: string, walletRole: string): boolean {
  if (transfer.signerId) return transfer.signerId === userId;
  if (transfer.approvedBy) return transfer.approvedBy === userId;
  return walletRole === 'approver';
}

/** The signer's browser gets the encrypted Key #1 and the PSBT to sign (approved → signing). */
export async function signingMaterial(db: Db, actor: SessionInfo, walletRole: string, transfer: Transfer) {
  if (transfer.state !== 'approved' && transfer.state !== 'signing') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${transfer.state}`);
  if (!maySign(transfer, actor.userId, walletRole)) throw new AppError('FORBIDDEN_ROLE', 'only the final approver signs', { userMessage: 'Only the approver who completed the approvals signs this transfer.' });
  const [key] = await db.select().from(walletKeys).where(and(eq(walletKeys.walletId, transfer.walletId), eq(walletKeys.role, 'user')));
  await db.transaction(async (tx) => {
    const current = await lockTransfer(tx, transfer.id);
    if (current.state === 'approved') await announceTransfer(tx, 'transfer.signing', await transition(tx, current, 'approved', 'signing', { signerId: actor.userId }));
    else if (current.state !== 'signing' || current.signerId !== actor.userId) throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${current.state}`);
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.key_released', payload: { transferId: transfer.id, walletId: transfer.walletId, key: 'user', encrypted: true } });
  });
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
  if (transfer.state !== 'signing') throw new AppError('TRANSFER_STATE', `transfer ${transfer.id} is ${transfer.state}`);
  if (transfer.signerId !== actor.userId) throw new AppError('FORBIDDEN_ROLE', 'only the signer submits', { userMessage: 'Only the approver who received the signing key submits the signature.' });
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
    const updated = await transition(tx, transfer, 'signing', 'cosigned', { cosignedPsbt: cosigned, rawTx: txHex, txid });
    await appendAudit(tx, { orgId: actor.orgId, actorUserId: actor.userId, type: 'transfer.cosigned', payload: { transferId: transfer.id, txid } });
    await announceTransfer(tx, 'transfer.cosigned', updated);
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
    await announceTransfer(tx, 'transfer.broadcast', row);
    if (transfer.replacesId) {
      const [replaced] = await tx
        .update(transferRequests)
        .set({ state: 'replaced', updatedAt: new Date() })
        .where(and(eq(transferRequests.id, transfer.replacesId), eq(transferRequests.state, 'broadcast')))
        .returning({ id: transferRequests.id });
      if (replaced) {
        await appendAudit(tx, { orgId: transfer.orgId, actorUserId: null, type: 'transfer.replaced', payload: { transferId: transfer.replacesId, byTransferId: transfer.id } });
        const [old] = await tx.select().from(transferRequests).where(eq(transferRequests.id, replaced.id));
        await announceTransfer(tx, 'transfer.replaced', old!, { byTransferId: transfer.id });
      }
    }
    return row;
  });
}

/** A bump whose original confirmed first can never be mined: it fails, nothing was spent twice. */
async function failBumpIfOriginalConfirmed(db: Db, bump: Transfer) {
  const [original] = await db.select().from(transferRequests).where(eq(transferRequests.id, bump.replacesId!));
  if (original?.state !== 'confirmed') return;
  await db.transaction(async (tx) => {
    const row = await transition(tx, bump, 'cosigned', 'failed', { lastError: 'the original transaction confirmed first' });
    await appendAudit(tx, { orgId: bump.orgId, actorUserId: null, type: 'transfer.failed', payload: { transferId: bump.id, reason: 'original_confirmed' } });
    await announceTransfer(tx, 'transfer.failed', row, { reason: 'original_confirmed' });
  });
}

/** Run by the background job: finish broadcasts interrupted by a crash, and note confirmations. */
export async function advanceTransfers(db: Db, chain: BitcoinChain): Promise<void> {
  await expireTransfers(db);
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
        const row = await transition(tx, t, 'broadcast', 'confirmed', { confirmedAt: new Date() });
        await appendAudit(tx, { orgId: t.orgId, actorUserId: null, type: 'transfer.confirmed', payload: { transferId: t.id, txid: t.txid, height: onChain.height } });
        await announceTransfer(tx, 'transfer.confirmed', row, { height: onChain.height });
      });
    }
  }
}


/** Requests still waiting for approvals past their deadline expire (their coins are freed). */
export async function expireTransfers(db: Db, now = new Date()): Promise<number> {
  const due = await db.select().from(transferRequests).where(and(eq(transferRequests.state, 'pending_approval'), lt(transferRequests.expiresAt, now)));
  let expired = 0;
  for (const t of due) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(transferRequests)
        .set({ state: 'expired', updatedAt: now })
        .where(and(eq(transferRequests.id, t.id), eq(transferRequests.state, 'pending_approval')))
        .returning();
      if (!row) return;
      expired += 1;
      await appendAudit(tx, { orgId: t.orgId, actorUserId: null, type: 'transfer.expired', payload: { transferId: t.id, walletId: t.walletId } });
      await announceTransfer(tx, 'transfer.expired', row);
    });
  }
  return expired;
}
