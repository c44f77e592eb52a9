/**
 * Transaction weight and fees for spends of the wallet's 2-of-3 P2WSH coins, in integer weight
 * units (BIP141: weight = 3 × stripped size + total size; vsize = ceil(weight / 4)).
 *
 * One P2WSH `OP_2 <k1> <k2> <k3> OP_3 OP_CHECKMULTISIG` input, upper bound:
 *   non-witness: outpoint 36 + empty scriptSig 1 + nSequence 4      = 41 B × 4 = 164 WU
 *   witness:     item count 1 + empty item (CHECKMULTISIG bug) 1
 *                + 2 × (1 + 72) signatures + (1 + 105) witness script  =        254 WU
 *                                                                        total 418 WU = 104.5 vB
 * A signature is DER ≤ 71 bytes with low S (BIP62/BIP146 rule, enforced by both signers) plus one
 * sighash byte, so 72 is a true upper bound; a 70-byte (low-R) signature makes the real input
 * ¼ vB smaller. Estimates therefore never under-pay.
 *
 * Fee rates are taken in sat/vB with at most 3 decimals and computed in milli-sats per vbyte
 * (integers), so 1.5 sat/vB × 141 vB = 212 sat exactly (rounded up, as Bitcoin Core does).
 */
import { BitcoinError } from './errors';
import { compactSizeLength } from './amount';

export const WITNESS_SCALE_FACTOR = 4;
/** Weight of one 2-of-3 P2WSH input, upper bound (see above). */
export const P2WSH_2OF3_INPUT_WEIGHT = 418;
/** nVersion 4 + nLockTime 4 bytes (× 4), plus the segwit marker and flag (witness, × 1). */
const TX_FIXED_WEIGHT = (4 + 4) * WITNESS_SCALE_FACTOR + 2;
/** A P2WSH output script is OP_0 <32 bytes>. */
export const P2WSH_SCRIPT_BYTES = 34;
/** Lowest accepted fee rate: Bitcoin Core's default minimum relay fee since v28 is 0.1 sat/vB. */
export const MIN_FEE_RATE_SAT_VB = 0.1;
/** Highest accepted fee rate: a typo guard (Bitcoin Core's -maxfeerate default is 0.1 BTC/kvB = 10,000 sat/vB). */
export const MAX_FEE_RATE_SAT_VB = 10_000;

/** Weight of one output paying to a script of `scriptBytes` bytes: (8 value + length prefix + script) × 4. */
export function outputWeight(scriptBytes: number): number {
  return (8 + compactSizeLength(scriptBytes) + scriptBytes) * WITNESS_SCALE_FACTOR;
}

/** Upper-bound weight of a fully signed spend of `inputCount` wallet coins to outputs with these script lengths. */
export function spendWeight(inputCount: number, outputScriptBytes: readonly number[]): number {
  if (!Number.isSafeInteger(inputCount) || inputCount < 0) throw new RangeError('inputCount must be a whole number');
  const counts = (compactSizeLength(inputCount) + compactSizeLength(outputScriptBytes.length)) * WITNESS_SCALE_FACTOR;
  const outputs = outputScriptBytes.reduce((sum, bytes) => sum + outputWeight(bytes), 0);
  return TX_FIXED_WEIGHT + counts + inputCount * P2WSH_2OF3_INPUT_WEIGHT + outputs;
}

export function weightToVsize(weight: number): number {
  return Math.ceil(weight / WITNESS_SCALE_FACTOR);
}

/** A fee rate in whole milli-sats per vbyte; checks the range and the 3-decimal precision. */
export function feeRateMilliSatsPerVb(feeRateSatVb: number): bigint {
  if (typeof feeRateSatVb !== 'number' || !Number.isFinite(feeRateSatVb)) {
    throw new BitcoinError('FEE_RATE_OUT_OF_RANGE', 'The fee rate is not a number.');
  }
  if (feeRateSatVb < MIN_FEE_RATE_SAT_VB || feeRateSatVb > MAX_FEE_RATE_SAT_VB) {
    throw new BitcoinError('FEE_RATE_OUT_OF_RANGE', `The fee rate must be ${MIN_FEE_RATE_SAT_VB}..${MAX_FEE_RATE_SAT_VB} sat/vB.`);
  }
  const milli = Math.round(feeRateSatVb * 1000);
  if (Math.abs(milli - feeRateSatVb * 1000) > 1e-6) {
    throw new BitcoinError('FEE_RATE_OUT_OF_RANGE', 'The fee rate has more than 3 decimals.');
  }
  return BigInt(milli);
}

/** Fee for `vsize` vbytes at `milliSatsPerVb`, rounded up to a whole sat. */
export function feeForVsize(vsize: number, milliSatsPerVb: bigint): bigint {
  const millis = BigInt(vsize) * milliSatsPerVb;
  return (millis + 999n) / 1000n;
}
