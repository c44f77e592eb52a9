/**
 * The co-signer's gate: Key #3 signs a PSBT only if the PSBT itself — parsed here, never described
 * by the client — spends exactly what was approved. Independent of anything the browser says.
 *
 * Refused (CosignRefusedError, one code per reason) unless all of these hold:
 * - the approval is for the wallet's network and names valid addresses of that network;
 * - nVersion 2; nLockTime a block height not above the current tip (anti-fee-sniping allowed);
 * - every input spends one of the wallet's coins: witnessUtxo present, its script the wallet's
 *   P2WSH at the claimed path and the witnessScript the wallet's 2-of-3 there, recomputed from the
 *   xpubs (lib/crypto/psbt.ts checkWalletInput); no coin spent twice;
 * - the inputs are exactly the expected coins from our database (outpoint and amount): segwit v0
 *   signatures commit to their own input's amount only (BIP143), so a witnessUtxo amount lie on
 *   another input could hide a fee; our DB is the authority, not the PSBT;
 * - every nSequence is 0xfffffffd (BIP125 RBF, same on all inputs, no BIP68 relative lock);
 * - SIGHASH_ALL only (requested type and every signature present), and signatures already
 *   present verify;
 * - the outputs that are not change equal the approved outputs: same scripts, same amounts, same
 *   order, nothing extra, nothing missing; no OP_RETURN (approvals name addresses only, so an
 *   OP_RETURN output can never be approved today); no dust;
 * - at most one change output, and it pays the wallet's own branch-1 address at the index it
 *   claims, recomputed (lib/crypto/psbt.ts classifyOutput);
 * - fee (inputs − outputs) ≤ the approved fee cap.
 * Then cosignPsbt opens Key #3 inside CoSigner.withBitcoinMaster and signs each input with the
 * same per-input checks the browser uses (signInputWithKey), SIGHASH_ALL only.
 */
import { hex } from '@scure/base';
import type { Transaction } from '@scure/btc-signer';
import { equalBytes } from '@noble/curves/utils.js';
import { isDust } from '@/lib/bitcoin/amount';
import { isOpReturnScript, parseDestination } from '@/lib/bitcoin/destination';
import { isBitcoinError } from '@/lib/bitcoin/errors';
import {
  RBF_SEQUENCE,
  assertSighashAll,
  countValidSignatures,
  decodePsbt,
  describeTransaction,
  encodePsbt,
  openWalletSigner,
  signInputWithKey,
  walletContext,
  type DescribedOutput,
  type PsbtDescription,
  type PsbtWallet,
  type WalletContext,
} from '@/lib/crypto/psbt';
import type { BitcoinNetwork } from '@/lib/crypto/networks';
import type { CoSigner } from './types';

export const COSIGN_REFUSALS = {
  NETWORK_MISMATCH: 'The approval is for another network than the wallet.',
  INVALID_ADDRESS: 'An approved output address is not a valid Bitcoin address.',
  WRONG_NETWORK: 'An approved output address belongs to another network than the wallet.',
  PSBT_MALFORMED: 'The PSBT could not be parsed.',
  VERSION_NOT_2: 'The transaction version is not 2.',
  LOCKTIME_NOT_HEIGHT: 'The locktime is a timestamp; Keystead only uses block-height locktimes.',
  LOCKTIME_IN_FUTURE: 'The locktime is above the current chain tip.',
  MISSING_WITNESS_UTXO: 'An input has no witness UTXO.',
  INPUT_NOT_OURS: 'An input does not spend a coin of this wallet.',
  WITNESS_SCRIPT_MISMATCH: 'An input’s witness script is not the wallet’s script for its address.',
  DUPLICATE_INPUT: 'The same coin is spent twice.',
  UTXO_MISMATCH: 'The inputs (outpoints or amounts) are not exactly the expected coins.',
  SEQUENCE_NOT_RBF: 'An input’s nSequence is not 0xfffffffd (BIP125 RBF, no relative lock).',
  SIGHASH_NOT_ALL: 'An input requests or carries a sighash type other than SIGHASH_ALL.',
  INVALID_SIGNATURE: 'A signature already in the PSBT does not verify.',
  OP_RETURN_OUTPUT: 'The transaction has an OP_RETURN output, which was not approved.',
  DUST_OUTPUT: 'An output is below the dust threshold.',
  CHANGE_NOT_OURS: 'An output claims to be change but is not the wallet’s change address at the claimed path.',
  CHANGE_WRONG_BRANCH: 'An output claims to be change on a path outside the change branch (1).',
  MULTIPLE_CHANGE_OUTPUTS: 'The transaction has more than one change output.',
  EXTRA_OUTPUT: 'The transaction pays an output that was not approved.',
  MISSING_OUTPUT: 'An approved output is missing from the transaction.',
  DESTINATION_MISMATCH: 'An output pays a different address than the approved one at that position.',
  AMOUNT_MISMATCH: 'An output pays a different amount than approved.',
  FEE_NEGATIVE: 'The outputs spend more than the inputs.',
  FEE_OVER_CAP: 'The fee is above the approved fee cap.',
  KEY_NOT_IN_WALLET: 'The co-signer key unwrapped for this wallet is not the wallet’s Key #3.',
  KEY_NOT_IN_SCRIPT: 'Key #3 is not one of an input’s script keys.',
  DERIVATION_MISSING: 'An input does not name Key #3’s derivation path.',
} as const satisfies Record<string, string>;

export type CosignRefusalCode = keyof typeof COSIGN_REFUSALS;

/** The co-signer refused to sign. Internal (audit log, operator); map to a generic user message at the API. */
export class CosignRefusedError extends Error {
  override readonly name = 'CosignRefusedError';
  readonly code: CosignRefusalCode;

  constructor(code: CosignRefusalCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? COSIGN_REFUSALS[code] : `${COSIGN_REFUSALS[code]} ${detail}`, options);
    this.code = code;
  }
}

export function isCosignRefusedError(value: unknown, code?: CosignRefusalCode): value is CosignRefusedError {
  return value instanceof CosignRefusedError && (code === undefined || value.code === code);
}

export interface ApprovedSpend {
  readonly outputs: readonly { readonly address: string; readonly valueSats: bigint }[];
  readonly feeCapSats: bigint;
  readonly network: BitcoinNetwork;
}

/** A coin as our database knows it. */
export interface ExpectedUtxo {
  readonly txid: string;
  readonly vout: number;
  readonly valueSats: bigint;
}

export interface ChainView {
  /** Current chain tip height (the locktime may not exceed it). */
  readonly tipHeight: number;
  /** The coins this spend must use, exactly. Omit only where no database view exists (tests, tools). */
  readonly utxos?: readonly ExpectedUtxo[];
}

export interface VerifiedSpend extends PsbtDescription {
  readonly change?: { readonly index: number; readonly valueSats: bigint };
}

const LOCKTIME_THRESHOLD = 500_000_000;

export function verifyPsbtForCosigning(psbtBase64: string, approved: ApprovedSpend, wallet: PsbtWallet, chain: ChainView): VerifiedSpend {
  return refuseOnBitcoinError(() => verifyTransaction(decodePsbt(psbtBase64), approved, walletContext(wallet), chain));
}

function verifyTransaction(tx: Transaction, approved: ApprovedSpend, ctx: WalletContext, chain: ChainView): VerifiedSpend {
  if (approved.network !== ctx.network) throw new CosignRefusedError('NETWORK_MISMATCH', `Approved ${approved.network}, wallet ${ctx.network}.`);
  if (approved.outputs.length === 0) throw new RangeError('an approval names at least one output');
  if (typeof approved.feeCapSats !== 'bigint' || approved.feeCapSats < 0n) throw new RangeError('feeCapSats must be a non-negative bigint');
  const approvedScripts = approved.outputs.map((o) => parseDestination(o.address, ctx.network).script);
  if (tx.version !== 2) throw new CosignRefusedError('VERSION_NOT_2', `Version ${tx.version}.`);
  assertLockTime(tx.lockTime, chain.tipHeight);

  const description = describeTransaction(tx, ctx);
  for (let i = 0; i < tx.inputsLength; i++) assertInputPolicy(tx, i, description.inputs[i]!.valueSats);
  if (chain.utxos) assertExpectedUtxos(description, chain.utxos);

  const change = description.outputs.filter((o) => o.isChange);
  if (change.length > 1) throw new CosignRefusedError('MULTIPLE_CHANGE_OUTPUTS', `${change.length} change outputs.`);
  description.outputs.forEach(assertOutputPolicy);
  assertApprovedOutputs(description.outputs.filter((o) => !o.isChange), approved, approvedScripts);
  if (description.feeSats > approved.feeCapSats) {
    throw new CosignRefusedError('FEE_OVER_CAP', `Fee ${description.feeSats} sat, cap ${approved.feeCapSats} sat.`);
  }
  const [changeOutput] = change;
  return { ...description, ...(changeOutput ? { change: { index: changeOutput.changeIndex!, valueSats: changeOutput.valueSats } } : {}) };
}

function assertLockTime(lockTime: number, tipHeight: number): void {
  if (!Number.isSafeInteger(tipHeight) || tipHeight < 0) throw new RangeError('tipHeight must be a block height');
  if (lockTime >= LOCKTIME_THRESHOLD) throw new CosignRefusedError('LOCKTIME_NOT_HEIGHT', `Locktime ${lockTime}.`);
  if (lockTime > tipHeight) throw new CosignRefusedError('LOCKTIME_IN_FUTURE', `Locktime ${lockTime}, tip ${tipHeight}.`);
}

function assertInputPolicy(tx: Transaction, idx: number, valueSats: bigint): void {
  const input = tx.getInput(idx);
  if (input.sequence !== RBF_SEQUENCE) throw new CosignRefusedError('SEQUENCE_NOT_RBF', `Input ${idx} has nSequence ${input.sequence}.`);
  assertSighashAll(tx, idx);
  countValidSignatures(tx, idx, input.witnessScript!, valueSats);
}

function assertExpectedUtxos(description: PsbtDescription, expected: readonly ExpectedUtxo[]): void {
  const key = (u: { txid: string; vout: number }) => `${u.txid.toLowerCase()}:${u.vout}`;
  const known = new Map(expected.map((u) => [key(u), u.valueSats]));
  if (known.size !== expected.length) throw new RangeError('the expected UTXO set repeats a coin');
  if (description.inputs.length !== expected.length) {
    throw new CosignRefusedError('UTXO_MISMATCH', `${description.inputs.length} inputs, ${expected.length} expected coins.`);
  }
  for (const input of description.inputs) {
    const value = known.get(key(input));
    if (value === undefined) throw new CosignRefusedError('UTXO_MISMATCH', `${key(input)} is not an expected coin.`);
    if (value !== input.valueSats) throw new CosignRefusedError('UTXO_MISMATCH', `${key(input)} is worth ${value} sat, the PSBT says ${input.valueSats} sat.`);
  }
}

function assertOutputPolicy(output: DescribedOutput, idx: number): void {
  const script = hex.decode(output.scriptHex);
  if (isOpReturnScript(script)) throw new CosignRefusedError('OP_RETURN_OUTPUT', `Output ${idx}.`);
  if (isDust(script, output.valueSats)) throw new CosignRefusedError('DUST_OUTPUT', `Output ${idx} (${output.valueSats} sat).`);
}

/** Payments (non-change outputs, in order) against the approval (in order): count, then scripts, then amounts. */
function assertApprovedOutputs(payments: readonly DescribedOutput[], approved: ApprovedSpend, approvedScripts: readonly Uint8Array[]): void {
  if (payments.length > approved.outputs.length) {
    throw new CosignRefusedError('EXTRA_OUTPUT', `${payments.length} payments, ${approved.outputs.length} approved.`);
  }
  if (payments.length < approved.outputs.length) {
    throw new CosignRefusedError('MISSING_OUTPUT', `${payments.length} payments, ${approved.outputs.length} approved.`);
  }
  payments.forEach((payment, i) => {
    if (!equalBytes(hex.decode(payment.scriptHex), approvedScripts[i]!)) {
      throw new CosignRefusedError('DESTINATION_MISMATCH', `Payment ${i} pays ${payment.address ?? payment.scriptHex}, approved ${approved.outputs[i]!.address}.`);
    }
    if (payment.valueSats !== approved.outputs[i]!.valueSats) {
      throw new CosignRefusedError('AMOUNT_MISMATCH', `Payment ${i} is ${payment.valueSats} sat, approved ${approved.outputs[i]!.valueSats} sat.`);
    }
  });
}

/** BitcoinErrors of the shared PSBT checks become refusals with the same code. */
function refuseOnBitcoinError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isBitcoinError(error) && Object.hasOwn(COSIGN_REFUSALS, error.code)) {
      throw new CosignRefusedError(error.code as CosignRefusalCode, error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * verify → unwrap Key #3 (withBitcoinMaster wipes it afterwards) → sign each input after the
 * per-input checks → the PSBT with Key #3's signatures added (other signatures kept).
 */
export async function cosignPsbt(
  cosigner: CoSigner,
  wrappedSeed: string,
  psbtBase64: string,
  approved: ApprovedSpend,
  wallet: PsbtWallet,
  utxos: readonly ExpectedUtxo[],
  tipHeight: number,
): Promise<string> {
  const ctx = walletContext(wallet);
  verifyPsbtForCosigning(psbtBase64, approved, ctx, { tipHeight, utxos });
  const tx = refuseOnBitcoinError(() => decodePsbt(psbtBase64));
  return cosigner.withBitcoinMaster(wrappedSeed, ctx.network, (master) =>
    refuseOnBitcoinError(() => {
      const signer = openWalletSigner(master, 'cosigner', ctx);
      try {
        for (let i = 0; i < tx.inputsLength; i++) signInputWithKey(tx, i, signer, ctx);
      } finally {
        signer.wipe();
      }
      return encodePsbt(tx);
    }),
  );
}
