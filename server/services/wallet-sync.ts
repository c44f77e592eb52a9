/**
 * Brings a wallet's chain view (used addresses, UTXOs, transactions) up to date from the chain
 * adapter. Addresses are scanned with a gap limit on both branches (BIP44: stop after 20 unused
 * in a row), so payments to addresses handed out by any copy of the wallet are found. Each sync
 * replaces the wallet's view in one transaction: a crash mid-way leaves the previous view whole.
 */
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { and, eq, isNull, max } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { walletAddresses, walletKeys, walletSyncState, walletTransactions, walletUtxos, wallets } from '@/db/schema';
import { deriveAddresses, type KeyOrigin } from '@/lib/crypto';
import { originsFromKeys } from '@/lib/wallet-keys';
import type { BitcoinNetworkName } from '@/lib/wallet-constants';
import type { BitcoinChain, ChainTx } from '../chains/bitcoin/types';

export const GAP_LIMIT = 20;
/** Regtest/mainnet coinbase outputs are spendable after 100 confirmations. */
export const COINBASE_MATURITY = 100;

type Wallet = typeof wallets.$inferSelect;
type Origins = [KeyOrigin, KeyOrigin, KeyOrigin];

interface Watched {
  address: string;
  branch: 0 | 1;
  index: number;
  scriptPubKey: string;
  witnessScript: string;
}

export async function walletOrigins(db: Db, walletId: string, network: BitcoinNetworkName): Promise<Origins> {
  return originsFromKeys(await db.select().from(walletKeys).where(eq(walletKeys.walletId, walletId)), network);
}

/** Highest address index the wallet has handed out or seen used on a branch; -1 when none. */
export async function highestAddressIndex(db: Db, walletId: string, branch: 0 | 1): Promise<number> {
  const [row] = await db
    .select({ n: max(walletAddresses.index) })
    .from(walletAddresses)
    .where(and(eq(walletAddresses.walletId, walletId), eq(walletAddresses.branch, branch)));
  return row?.n ?? -1;
}

export interface SyncResult {
  tipHeight: number;
  utxos: number;
  transactions: number;
  newlyUsed: number;
  /** A sync that began later had already stored a newer view; this run wrote nothing. */
  stale: boolean;
}

export async function syncWallet(db: Db, chain: BitcoinChain, wallet: Wallet): Promise<SyncResult> {
  const network = wallet.network as BitcoinNetworkName;
  const origins = await walletOrigins(db, wallet.id, network);
  // When this run began to read the chain: a run that began later saw a newer chain.
  const startedAt = new Date();
  const tip = await chain.tip();

  // Widen each branch's window until GAP_LIMIT addresses past the last used one are unused.
  const watched = new Map<string, Watched>();
  const history = new Map<string, ChainTx>();
  const lastUsed: Record<0 | 1, number> = { 0: await highestAddressIndex(db, wallet.id, 0), 1: await highestAddressIndex(db, wallet.id, 1) };
  const scannedTo: Record<0 | 1, number> = { 0: -1, 1: -1 };
  for (let round = 0; round < 50; round++) {
    const batch: Watched[] = [];
    for (const branch of [0, 1] as const) {
      const want = lastUsed[branch] + GAP_LIMIT;
      if (want > scannedTo[branch]) {
        const from = scannedTo[branch] + 1;
        for (const d of deriveAddresses(origins, network, branch, from, want - from + 1)) {
          batch.push({ address: d.address, branch, index: d.index, scriptPubKey: d.scriptPubKey, witnessScript: d.witnessScript });
        }
        scannedTo[branch] = want;
      }
    }
    if (batch.length === 0) break;
    for (const w of batch) watched.set(w.scriptPubKey, w);
    for (const tx of await chain.history(batch.map((w) => w.address))) history.set(tx.txid, tx);
    // Any watched output in history marks its address used.
    for (const w of usedAddresses(history.values(), watched)) {
      if (w.index > lastUsed[w.branch]) lastUsed[w.branch] = w.index;
    }
  }

  const utxos = await chain.unspent([...watched.values()].map((w) => w.address));
  const txRows = summarizeTransactions([...history.values()], watched);
  const usedPaths = new Set(usedAddresses(history.values(), watched).map((w) => w.scriptPubKey));

  let newlyUsed = 0;
  let stale = false;
  await db.transaction(async (tx) => {
    // Syncs of one wallet (the background job, a faucet, a user's refresh, another app
    // instance) overlap. Serialise their writes on the sync-state row, and drop a run that began
    // reading the chain before the one already stored: its view is older and would undo it.
    await tx.insert(walletSyncState).values({ walletId: wallet.id }).onConflictDoNothing();
    const [current] = await tx.select({ at: walletSyncState.lastSyncedAt }).from(walletSyncState).where(eq(walletSyncState.walletId, wallet.id)).for('update');
    if (current?.at && current.at > startedAt) {
      stale = true;
      return;
    }
    for (const spk of usedPaths) {
      const w = watched.get(spk)!;
      const inserted = await tx
        .insert(walletAddresses)
        .values({ walletId: wallet.id, branch: w.branch, index: w.index, address: w.address, witnessScript: w.witnessScript, usedAt: new Date() })
        .onConflictDoNothing()
        .returning({ id: walletAddresses.id });
      const updated = inserted.length
        ? inserted
        : await tx
            .update(walletAddresses)
            .set({ usedAt: new Date() })
            .where(and(eq(walletAddresses.walletId, wallet.id), eq(walletAddresses.address, w.address), isNull(walletAddresses.usedAt)))
            .returning({ id: walletAddresses.id });
      newlyUsed += updated.length;
    }
    await tx.delete(walletUtxos).where(eq(walletUtxos.walletId, wallet.id));
    const utxoRows = utxos.flatMap((u) => {
      const w = watched.get(u.scriptPubKey);
      return w ? [{ walletId: wallet.id, txid: u.txid, vout: u.vout, valueSats: u.valueSats, scriptPubKey: u.scriptPubKey, address: w.address, branch: w.branch, index: w.index, height: u.height, coinbase: u.coinbase }] : [];
    });
    if (utxoRows.length) await tx.insert(walletUtxos).values(utxoRows);
    for (const row of txRows) {
      await tx
        .insert(walletTransactions)
        .values({ walletId: wallet.id, ...row })
        .onConflictDoUpdate({
          target: [walletTransactions.walletId, walletTransactions.txid],
          set: { height: row.height, blockHash: row.blockHash, direction: row.direction, netSats: row.netSats, feeSats: row.feeSats, updatedAt: new Date() },
        });
    }
    await tx
      .insert(walletSyncState)
      .values({ walletId: wallet.id, tipHeight: tip.height, tipHash: tip.hash, lastSyncedAt: startedAt, lastError: null })
      .onConflictDoUpdate({ target: walletSyncState.walletId, set: { tipHeight: tip.height, tipHash: tip.hash, lastSyncedAt: startedAt, lastError: null } });
  });
  return { tipHeight: tip.height, utxos: utxos.length, transactions: txRows.length, newlyUsed, stale };
}

function outputScripts(txHex: string): { script: string; amount: bigint }[] {
  const tx = Transaction.fromRaw(hex.decode(txHex), { allowUnknownOutputs: true });
  const outs = [];
  for (let i = 0; i < tx.outputsLength; i++) {
    const out = tx.getOutput(i);
    if (out.script) outs.push({ script: hex.encode(out.script), amount: out.amount ?? 0n });
  }
  return outs;
}

function usedAddresses(txs: Iterable<ChainTx>, watched: Map<string, Watched>): Watched[] {
  const used: Watched[] = [];
  for (const tx of txs) {
    for (const out of outputScripts(tx.hex)) {
      const w = watched.get(out.script);
      if (w) used.push(w);
    }
  }
  return used;
}

/** Net effect of each transaction on the wallet: what it received minus what it spent. */
export function summarizeTransactions(txs: ChainTx[], watched: Map<string, Watched>) {
  const parsed = txs.map((t) => ({ meta: t, tx: Transaction.fromRaw(hex.decode(t.hex), { allowUnknownOutputs: true }) }));
  const ours = new Map<string, bigint>(); // "txid:vout" → value of our outputs
  for (const { meta, tx } of parsed) {
    for (let i = 0; i < tx.outputsLength; i++) {
      const out = tx.getOutput(i);
      if (out.script && watched.has(hex.encode(out.script))) ours.set(`${meta.txid}:${i}`, out.amount ?? 0n);
    }
  }
  return parsed.map(({ meta, tx }) => {
    let received = 0n;
    let spent = 0n;
    let allInputsOurs = tx.inputsLength > 0;
    let totalOut = 0n;
    for (let i = 0; i < tx.outputsLength; i++) {
      const out = tx.getOutput(i);
      totalOut += out.amount ?? 0n;
      if (out.script && watched.has(hex.encode(out.script))) received += out.amount ?? 0n;
    }
    for (let i = 0; i < tx.inputsLength; i++) {
      const input = tx.getInput(i);
      const value = input.txid ? ours.get(`${hex.encode(input.txid)}:${input.index}`) : undefined;
      if (value === undefined) allInputsOurs = false;
      else spent += value;
    }
    const netSats = received - spent;
    const direction: 'incoming' | 'outgoing' | 'self' = spent === 0n ? 'incoming' : allInputsOurs && received === totalOut ? 'self' : 'outgoing';
    return {
      txid: meta.txid,
      direction,
      netSats,
      feeSats: allInputsOurs ? spent - totalOut : null,
      height: meta.height,
      blockHash: meta.blockHash,
    };
  });
}

/** Confirmed, unconfirmed and immature (coinbase) balances from the stored UTXO set. */
export function balances(utxos: { valueSats: bigint; height: number | null; coinbase: boolean }[], tipHeight: number) {
  let confirmed = 0n;
  let unconfirmed = 0n;
  let immature = 0n;
  for (const u of utxos) {
    if (u.height === null) unconfirmed += u.valueSats;
    else if (u.coinbase && tipHeight - u.height + 1 < COINBASE_MATURITY) immature += u.valueSats;
    else confirmed += u.valueSats;
  }
  return { confirmed, unconfirmed, immature };
}
