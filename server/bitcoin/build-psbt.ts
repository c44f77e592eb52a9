/**
 * The unsigned BIP174 PSBT of a spend from the 2-of-3 wallet, ready for any BIP174 signer:
 * - nVersion 2; every nSequence 0xfffffffd (BIP125 opt-in RBF, nLockTime enforced, no BIP68
 *   relative lock);
 * - nLockTime = the current tip height when `tipHeight` is given (anti-fee-sniping, as Bitcoin
 *   Core's wallet does, without its random look-back so the result stays deterministic), else 0.
 *   Decision: services should pass the tip; the co-signer refuses a locktime above its tip;
 * - every input: witnessUtxo (BIP143 signs the amount), witnessScript, and bip32Derivation for
 *   ALL THREE keys (BIP174 PSBT_IN_BIP32_DERIVATION), so Key #1, #2 or #3 — in Keystead or in
 *   Sparrow, Bitcoin Core, a hardware wallet — can find its key and check the input;
 * - the change output: witnessScript and the three bip32Derivations of branch 1/index, so any
 *   signer can recompute that change pays back to the wallet (lib/crypto/psbt.ts does);
 * - outputs in the order requested; change (if any) at a position derived from the spent
 *   outpoints (deterministic, but not always last, which would mark it as change).
 * Destinations are checked for the wallet's network (INVALID_ADDRESS / WRONG_NETWORK).
 */
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { sha256 } from '@noble/hashes/sha2.js';
import { MAX_MONEY_SATS } from '@/lib/bitcoin/amount';
import { parseDestination, type Destination } from '@/lib/bitcoin/destination';
import { BitcoinError } from '@/lib/bitcoin/errors';
import type { AddressBranch } from '@/lib/crypto/address';
import { RBF_SEQUENCE, encodePsbt, walletContext, type PsbtWallet, type WalletContext } from '@/lib/crypto/psbt';
import { selectCoins, type SelectableUtxo } from './coin-select';

export interface WalletUtxo extends SelectableUtxo {
  /** Hex output script as stored; must be the wallet's P2WSH at branch/index. */
  readonly scriptPubKey: string;
  readonly branch: AddressBranch;
  readonly index: number;
}

export interface BuildPsbtRequest<U extends WalletUtxo = WalletUtxo> {
  readonly wallet: PsbtWallet;
  /** Candidate coins (coin-select.ts picks among them). */
  readonly utxos: readonly U[];
  /** Payments, in order. With sendMax: exactly one, its valueSats ignored. */
  readonly outputs: readonly { readonly address: string; readonly valueSats: bigint }[];
  readonly feeRateSatVb: number;
  /** The next unused change address index (branch 1). */
  readonly change: { readonly index: number };
  readonly sendMax?: boolean;
  /** Always true: Keystead spends signal BIP125 replaceability, so a stuck payment can be bumped. */
  readonly rbf: true;
  /** Current chain tip height, used as nLockTime (anti-fee-sniping). */
  readonly tipHeight?: number;
  readonly includeUnconfirmedChange?: boolean;
}

export interface UnsignedPsbt<U extends WalletUtxo = WalletUtxo> {
  readonly psbtBase64: string;
  readonly feeSats: bigint;
  /** Upper bound of the signed transaction's vsize. */
  readonly vsize: number;
  readonly changeOutput?: { readonly index: number; readonly valueSats: bigint; readonly address: string };
  /** The coins spent: reserve them, and hand them to the co-signer as the expected UTXO set. */
  readonly selectedUtxos: readonly U[];
  /** The payments as built (with sendMax, the amount actually sent). */
  readonly outputs: readonly { readonly address: string; readonly valueSats: bigint }[];
  readonly lockTime: number;
}

const LOCKTIME_THRESHOLD = 500_000_000; // below: a block height (BIP65 / consensus)

export function buildUnsignedPsbt<U extends WalletUtxo>(request: BuildPsbtRequest<U>): UnsignedPsbt<U> {
  if (request.rbf !== true) throw new TypeError('rbf must be true');
  const ctx = walletContext(request.wallet);
  const lockTime = lockTimeFor(request.tipHeight);
  const destinations = request.outputs.map((o) => parseDestination(o.address, ctx.network));
  if (!request.sendMax) request.outputs.forEach((o, i) => assertPaymentAmount(o.valueSats, i));
  const selection = selectCoins({
    utxos: request.utxos,
    outputs: destinations.map((d, i) => ({ script: d.script, valueSats: request.sendMax ? 0n : request.outputs[i]!.valueSats })),
    feeRateSatVb: request.feeRateSatVb,
    sendMax: request.sendMax,
    includeUnconfirmedChange: request.includeUnconfirmedChange,
  });

  const tx = new Transaction({ version: 2, lockTime });
  for (const utxo of selection.selected) addWalletInput(tx, utxo, ctx);
  const payments = destinations.map((d, i) => ({ destination: d, valueSats: selection.outputValues[i]! }));
  const changePosition = selection.changeSats === null ? -1 : positionFor(selection.selected, payments.length);
  let changeOutput: UnsignedPsbt['changeOutput'];
  payments.forEach((payment, i) => {
    if (i === changePosition) changeOutput = addChangeOutput(tx, request.change.index, selection.changeSats!, ctx);
    addPayment(tx, payment.destination, payment.valueSats);
  });
  if (changePosition === payments.length) changeOutput = addChangeOutput(tx, request.change.index, selection.changeSats!, ctx);
  if (tx.fee !== selection.feeSats) throw new Error('built transaction fee differs from the selection');

  return {
    psbtBase64: encodePsbt(tx),
    feeSats: selection.feeSats,
    vsize: selection.vsize,
    ...(changeOutput ? { changeOutput } : {}),
    selectedUtxos: selection.selected,
    outputs: payments.map((p) => ({ address: p.destination.address, valueSats: p.valueSats })),
    lockTime,
  };
}

function lockTimeFor(tipHeight: number | undefined): number {
  if (tipHeight === undefined) return 0;
  if (!Number.isSafeInteger(tipHeight) || tipHeight < 0 || tipHeight >= LOCKTIME_THRESHOLD) throw new RangeError('tipHeight must be a block height');
  return tipHeight;
}

function assertPaymentAmount(valueSats: bigint, index: number): void {
  if (typeof valueSats !== 'bigint') throw new TypeError('output valueSats must be a bigint');
  if (valueSats <= 0n) throw new BitcoinError('AMOUNT_NOT_POSITIVE', `Output ${index}.`);
  if (valueSats > MAX_MONEY_SATS) throw new BitcoinError('AMOUNT_TOO_LARGE', `Output ${index}.`);
}

/** BIP174 derivations of all three keys at branch/index (wallet order). */
function derivations(ctx: WalletContext, branch: AddressBranch, index: number) {
  const { rolePubkeys } = ctx.keysAt(branch, index);
  return rolePubkeys.map((pubkey, role) => [pubkey, { fingerprint: ctx.fingerprintOf(role), path: ctx.pathOf(role, branch, index) }] as [Uint8Array, { fingerprint: number; path: number[] }]);
}

function addWalletInput(tx: Transaction, utxo: WalletUtxo, ctx: WalletContext): void {
  const { address } = ctx.keysAt(utxo.branch, utxo.index);
  if (utxo.scriptPubKey.toLowerCase() !== address.scriptPubKey) {
    throw new BitcoinError('UTXO_NOT_OURS', `${utxo.txid}:${utxo.vout} is not paid to the wallet’s address ${utxo.branch}/${utxo.index}.`);
  }
  tx.addInput({
    txid: hex.decode(utxo.txid),
    index: utxo.vout,
    sequence: RBF_SEQUENCE,
    witnessUtxo: { script: hex.decode(address.scriptPubKey), amount: utxo.valueSats },
    witnessScript: hex.decode(address.witnessScript),
    bip32Derivation: derivations(ctx, utxo.branch, utxo.index),
  });
}

function addPayment(tx: Transaction, destination: Destination, valueSats: bigint): void {
  tx.addOutput({ script: destination.script, amount: valueSats });
}

function addChangeOutput(tx: Transaction, index: number, valueSats: bigint, ctx: WalletContext): NonNullable<UnsignedPsbt['changeOutput']> {
  const { address } = ctx.keysAt(1, index);
  tx.addOutput({
    script: hex.decode(address.scriptPubKey),
    amount: valueSats,
    witnessScript: hex.decode(address.witnessScript),
    bip32Derivation: derivations(ctx, 1, index),
  });
  return { index, valueSats, address: address.address };
}

/** Where the change goes among `paymentCount + 1` slots: from a hash of the spent outpoints. */
function positionFor(selected: readonly SelectableUtxo[], paymentCount: number): number {
  const outpoints = selected.map((u) => `${u.txid}:${u.vout}`).join(',');
  const digest = sha256(new TextEncoder().encode(outpoints));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) % (paymentCount + 1);
}
