/**
 * The sweep: every given coin to one destination, signed by Key #1 and Key #2 (no co-signer).
 * - BIP174 PSBT v0 (@scure/btc-signer): per input witnessUtxo, witnessScript and the BIP32
 *   derivations of all three keys, nSequence 0xfffffffd (BIP125), nLockTime 0 (no chain tip offline).
 * - Fee = ceil(upper-bound vsize (lib/bitcoin/tx-size) × rate); the signed transaction's real
 *   vsize is checked to be ≤ that bound.
 * - Signing through lib/crypto/psbt `signPsbtWithKey` (per-input checks: the coin is the
 *   wallet's at its claimed path, SIGHASH_ALL, the key is in the script), then its finalizer.
 */
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { isDust } from '@/lib/bitcoin/amount';
import { parseDestination } from '@/lib/bitcoin/destination';
import { BitcoinError } from '@/lib/bitcoin/errors';
import { feeForVsize, feeRateMilliSatsPerVb, spendWeight, weightToVsize } from '@/lib/bitcoin/tx-size';
import { RBF_SEQUENCE, encodePsbt, finalizeAndExtract, signPsbtWithKey, walletContext, type WalletContext } from '@/lib/crypto/psbt';
import type { KeycardData } from '@/lib/keycard/data';
import { cardOrigins } from './addresses';
import { RecoveryError, type RecoveryErrorCode } from './errors';
import type { UnlockedKeys } from './unlock';
import type { WalletUtxo } from './utxos';

export interface SweepRequest {
  readonly card: KeycardData;
  /** The two decrypted master keys (unlockKeycard). */
  readonly keys: UnlockedKeys;
  readonly utxos: readonly WalletUtxo[];
  readonly destination: string;
  /** sat/vB, 0.1 … 10,000, at most 3 decimals. */
  readonly feeRateSatVb: number;
}

export interface SweepResult {
  /** The PSBT signed by Key #1 and Key #2, not finalized (for inspection in other tools). */
  readonly psbtBase64: string;
  /** The finalized raw transaction, ready to broadcast anywhere. */
  readonly txHex: string;
  readonly txid: string;
  readonly destination: string;
  readonly amountSats: bigint;
  readonly feeSats: bigint;
  readonly totalInSats: bigint;
  /** Real vsize of the signed transaction. */
  readonly vsize: number;
  /** The upper bound the fee was computed on (≥ vsize). */
  readonly vsizeEstimate: number;
}

export function buildSweep(request: SweepRequest): SweepResult {
  const { card, keys, utxos } = request;
  const network = card.wallet.network;
  if (utxos.length === 0) throw new RecoveryError('NO_UTXOS');
  const destination = bitcoinStep(() => parseDestination(request.destination, network));
  const milli = bitcoinStep(() => feeRateMilliSatsPerVb(request.feeRateSatVb));
  const outpoints = new Set(utxos.map((u) => `${u.txid}:${u.vout}`));
  if (outpoints.size !== utxos.length) throw new RecoveryError('UTXO_DUPLICATE', 'A coin is listed twice.');

  const wallet = { origins: cardOrigins(card), network };
  const ctx = walletContext(wallet);
  const totalInSats = utxos.reduce((sum, u) => sum + u.valueSats, 0n);
  const vsizeEstimate = weightToVsize(spendWeight(utxos.length, [destination.script.length]));
  const feeSats = feeForVsize(vsizeEstimate, milli);
  const amountSats = totalInSats - feeSats;
  if (amountSats <= 0n) {
    throw new RecoveryError('INSUFFICIENT_FUNDS', `The coins hold ${totalInSats} sats and the fee is ${feeSats} sats (${vsizeEstimate} vB).`);
  }
  if (isDust(destination.script, amountSats)) throw new RecoveryError('DUST', `${amountSats} sats would be left after the ${feeSats} sats fee.`);

  const tx = new Transaction({ version: 2, lockTime: 0 });
  for (const utxo of utxos) addInput(tx, utxo, ctx);
  tx.addOutput({ script: destination.script, amount: amountSats });
  if (tx.fee !== feeSats) throw new Error('built transaction fee differs from the computed fee');

  const unsigned = encodePsbt(tx);
  const byUser = signWith(unsigned, keys.user, 'user', ctx);
  const psbtBase64 = signWith(byUser, keys.backup, 'backup', ctx);
  const { txHex, txid } = bitcoinStep(() => finalizeAndExtract(psbtBase64));
  const vsize = Transaction.fromRaw(hex.decode(txHex)).vsize;
  if (vsize > vsizeEstimate) throw new Error(`signed vsize ${vsize} exceeds the estimate ${vsizeEstimate}`);
  return Object.freeze({ psbtBase64, txHex, txid, destination: destination.address, amountSats, feeSats, totalInSats, vsize, vsizeEstimate });
}

/** BIP174 derivations of all three keys at branch/index (wallet order), as server/bitcoin/build-psbt does. */
function addInput(tx: Transaction, utxo: WalletUtxo, ctx: WalletContext): void {
  const { address, rolePubkeys } = ctx.keysAt(utxo.branch, utxo.index);
  if (address.scriptPubKey !== utxo.address.scriptPubKey) throw new RecoveryError('UTXO_UNKNOWN', `${utxo.txid}:${utxo.vout} is not paid to ${utxo.branch}/${utxo.index}.`);
  tx.addInput({
    txid: hex.decode(utxo.txid),
    index: utxo.vout,
    sequence: RBF_SEQUENCE,
    witnessUtxo: { script: hex.decode(address.scriptPubKey), amount: utxo.valueSats },
    witnessScript: hex.decode(address.witnessScript),
    bip32Derivation: rolePubkeys.map((pubkey, role) => [pubkey, { fingerprint: ctx.fingerprintOf(role), path: ctx.pathOf(role, utxo.branch, utxo.index) }] as [Uint8Array, { fingerprint: number; path: number[] }]),
  });
}

function signWith(psbt: string, key: string, role: 'user' | 'backup', ctx: WalletContext): string {
  try {
    return signPsbtWithKey(psbt, key, role, ctx);
  } catch (error) {
    if (error instanceof BitcoinError && (error.code === 'KEY_NOT_IN_WALLET' || error.code === 'KEY_NOT_IN_SCRIPT')) {
      throw new RecoveryError('KEY_MISMATCH', `Key #${role === 'user' ? 1 : 2}: ${error.message}`, { cause: error, part: role === 'user' ? 'Box 1' : 'Box 2' });
    }
    throw error;
  }
}

const FROM_BITCOIN: Partial<Record<string, RecoveryErrorCode>> = {
  INVALID_ADDRESS: 'INVALID_ADDRESS',
  WRONG_NETWORK: 'DESTINATION_WRONG_NETWORK',
  FEE_RATE_OUT_OF_RANGE: 'FEE_RATE_OUT_OF_RANGE',
};

function bitcoinStep<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    const code = error instanceof BitcoinError ? FROM_BITCOIN[error.code] : undefined;
    if (code) throw new RecoveryError(code, (error as Error).message, { cause: error });
    throw error;
  }
}
