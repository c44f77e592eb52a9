/**
 * Deterministic coin selection for spends of the wallet's 2-of-3 P2WSH coins.
 *
 * Every input weighs the same (418 WU upper bound, lib/bitcoin/tx-size.ts), so the exact fee of a
 * selection depends only on how many coins it has. That makes both strategies exact:
 * 1. Branch and bound (after Bitcoin Core's SelectCoinsBnB, Erhardt 2016): look for a set of coins
 *    that pays outputs + fee with an excess no larger than the cost of creating and later
 *    spending a change output; the excess then goes to the fee and no change is made. Among the
 *    sets found within MAX_BNB_TRIES the smallest excess wins (then the first found).
 * 2. Fallback, largest first: add coins from the largest down until outputs + fee are covered;
 *    the rest becomes change, unless it is below the P2WSH dust limit, in which case it is
 *    dropped into the fee.
 * "Send max" spends every eligible coin to one output with no change.
 *
 * Order is deterministic (value descending, then txid, then vout), so the same inputs always give
 * the same selection. Coins worth less than the fee of spending them are left out (except for
 * send max, which sweeps everything). Eligible coins: confirmed ones (≥ 1 confirmation; coinbase
 * coins ≥ 100), plus, on request, unconfirmed change of the wallet's own transactions (`isOwnChange`).
 */
import { DUST_LIMIT_SATS, dustThresholdSats } from '@/lib/bitcoin/amount';
import { BitcoinError, InsufficientFundsError } from '@/lib/bitcoin/errors';
import { P2WSH_2OF3_INPUT_WEIGHT, P2WSH_SCRIPT_BYTES, feeForVsize, feeRateMilliSatsPerVb, outputWeight, spendWeight, weightToVsize } from '@/lib/bitcoin/tx-size';

export interface SelectableUtxo {
  readonly txid: string;
  readonly vout: number;
  readonly valueSats: bigint;
  /** 0 while in the mempool. */
  readonly confirmations: number;
  /** True for change of a transaction this wallet sent (the only unconfirmed coins ever spent). */
  readonly isOwnChange?: boolean;
  /** Coinbase outputs (the regtest faucet) mature after COINBASE_MATURITY confirmations. */
  readonly isCoinbase?: boolean;
}

export interface SelectionOutput {
  readonly script: Uint8Array;
  /** Ignored with sendMax (the single output receives everything minus the fee). */
  readonly valueSats: bigint;
}

export interface SelectCoinsRequest<U extends SelectableUtxo> {
  readonly utxos: readonly U[];
  readonly outputs: readonly SelectionOutput[];
  readonly feeRateSatVb: number;
  readonly sendMax?: boolean;
  readonly includeUnconfirmedChange?: boolean;
}

export interface CoinSelection<U extends SelectableUtxo> {
  /** Coins to spend, in the deterministic selection order. */
  readonly selected: readonly U[];
  /** Final value of each requested output (same order); differs from the request only with sendMax. */
  readonly outputValues: readonly bigint[];
  /** Value of the change output, or null when there is none. */
  readonly changeSats: bigint | null;
  readonly feeSats: bigint;
  /** Upper bound of the signed transaction's weight and vsize. */
  readonly weight: number;
  readonly vsize: number;
}

/**
 * Consensus: a coinbase output is spendable in a block at least 100 blocks after its own, i.e. by
 * a transaction entering the mempool once the coin has 100 confirmations.
 */
export const COINBASE_MATURITY = 100;
/** Bitcoin Core MAX_STANDARD_TX_WEIGHT: larger transactions are not relayed. */
export const MAX_STANDARD_TX_WEIGHT = 400_000;
const MAX_BNB_TRIES = 100_000;

export function selectCoins<U extends SelectableUtxo>(request: SelectCoinsRequest<U>): CoinSelection<U> {
  const rate = feeRateMilliSatsPerVb(request.feeRateSatVb);
  if (request.outputs.length === 0) throw new RangeError('at least one output is needed');
  const eligible = eligibleUtxos(request);
  if (request.sendMax) return sendMax(eligible, request.outputs, rate);
  request.outputs.forEach(assertNotDust);
  const fees = feeTable(request.outputs, rate);
  const target = request.outputs.reduce((sum, o) => sum + o.valueSats, 0n);
  const economical = eligible.filter((u) => u.valueSats > fees.maxInputFee);
  const bnb = branchAndBound(economical.map((u) => u.valueSats), target, fees.withoutChange, fees.costOfChange);
  if (bnb) return result(bnb.map((i) => economical[i]!), request.outputs, fees, target, false);
  return largestFirst(economical, request, fees, target, eligible);
}

function eligibleUtxos<U extends SelectableUtxo>(request: SelectCoinsRequest<U>): U[] {
  const eligible = request.utxos.filter((u) => {
    if (typeof u.valueSats !== 'bigint' || u.valueSats <= 0n) throw new RangeError('utxo values must be positive bigints');
    if (u.isCoinbase) return u.confirmations >= COINBASE_MATURITY;
    return u.confirmations >= 1 || (request.includeUnconfirmedChange === true && u.isOwnChange === true);
  });
  if (request.utxos.length > 0 && eligible.length === 0) throw new BitcoinError('NO_CONFIRMED_FUNDS');
  return eligible.sort(byValueThenOutpoint);
}

function byValueThenOutpoint(a: SelectableUtxo, b: SelectableUtxo): number {
  if (a.valueSats !== b.valueSats) return a.valueSats > b.valueSats ? -1 : 1;
  if (a.txid !== b.txid) return a.txid < b.txid ? -1 : 1;
  return a.vout - b.vout;
}

function assertNotDust(output: SelectionOutput, index: number): void {
  if (output.valueSats < dustThresholdSats(output.script) || output.valueSats <= 0n) {
    throw new BitcoinError('OUTPUT_BELOW_DUST', `Output ${index} (${output.valueSats} sat) is below ${dustThresholdSats(output.script)} sat.`);
  }
}

interface FeeTable {
  readonly outputLengths: readonly number[];
  withoutChange(inputs: number): bigint;
  withChange(inputs: number): bigint;
  /** Fee of one change output now plus the fee of spending it later (BnB's "cost of change"). */
  readonly costOfChange: bigint;
  /** More than one more input can ever add to the fee (marginal input fee, varint growth included). */
  readonly maxInputFee: bigint;
}

function feeTable(outputs: readonly SelectionOutput[], rate: bigint): FeeTable {
  const outputLengths = outputs.map((o) => o.script.length);
  const feeOf = (weight: number) => feeForVsize(weightToVsize(weight), rate);
  return {
    outputLengths,
    withoutChange: (n) => feeOf(spendWeight(n, outputLengths)),
    withChange: (n) => feeOf(spendWeight(n, [...outputLengths, P2WSH_SCRIPT_BYTES])),
    costOfChange: feeOf(outputWeight(P2WSH_SCRIPT_BYTES)) + feeOf(P2WSH_2OF3_INPUT_WEIGHT),
    maxInputFee: feeOf(P2WSH_2OF3_INPUT_WEIGHT + 2 * 4 + 4) + 1n,
  };
}

/**
 * Depth-first search over include/exclude of each coin (largest first) for a set whose excess
 * over outputs + fee(without change) is within [0, costOfChange]. Because every coin is worth
 * more than its own fee, adding a coin only grows the excess, so a covering set is a leaf.
 */
function branchAndBound(values: readonly bigint[], target: bigint, fee: (inputs: number) => bigint, costOfChange: bigint): number[] | null {
  const remaining: bigint[] = new Array<bigint>(values.length + 1).fill(0n);
  for (let i = values.length - 1; i >= 0; i--) remaining[i] = remaining[i + 1]! + values[i]!;
  const picks: number[] = [];
  let best: { excess: bigint; picks: number[] } | null = null;
  let tries = 0;
  const visit = (i: number, sum: bigint): void => {
    if (++tries > MAX_BNB_TRIES || best?.excess === 0n) return;
    const need = target + fee(picks.length);
    if (picks.length > 0 && sum >= need) {
      const excess = sum - need;
      if (excess <= costOfChange && (best === null || excess < best.excess)) best = { excess, picks: [...picks] };
      return;
    }
    if (i >= values.length || sum + remaining[i]! < need) return;
    picks.push(i);
    visit(i + 1, sum + values[i]!);
    picks.pop();
    visit(i + 1, sum);
  };
  visit(0, 0n);
  return (best as { picks: number[] } | null)?.picks ?? null;
}

function largestFirst<U extends SelectableUtxo>(
  economical: readonly U[],
  request: SelectCoinsRequest<U>,
  fees: FeeTable,
  target: bigint,
  eligible: readonly U[],
): CoinSelection<U> {
  let sum = 0n;
  for (let n = 1; n <= economical.length; n++) {
    sum += economical[n - 1]!.valueSats;
    if (sum >= target + fees.withoutChange(n)) {
      const withChange = sum - target - fees.withChange(n) >= DUST_LIMIT_SATS;
      return result(economical.slice(0, n), request.outputs, fees, target, withChange);
    }
  }
  const shortfall = target + fees.withoutChange(Math.max(economical.length, 1)) - sum;
  const pending = request.utxos.filter((u) => !eligible.includes(u)).reduce((s, u) => s + u.valueSats, 0n);
  throw new InsufficientFundsError(shortfall, `${shortfall} sat more are needed${pending > 0n ? ` (${pending} sat are still unconfirmed)` : ''}.`);
}

function result<U extends SelectableUtxo>(
  selected: readonly U[],
  outputs: readonly SelectionOutput[],
  fees: FeeTable,
  target: bigint,
  withChange: boolean,
): CoinSelection<U> {
  const sum = selected.reduce((s, u) => s + u.valueSats, 0n);
  const lengths = withChange ? [...fees.outputLengths, P2WSH_SCRIPT_BYTES] : fees.outputLengths;
  const weight = assertStandardWeight(spendWeight(selected.length, lengths));
  const changeSats = withChange ? sum - target - fees.withChange(selected.length) : null;
  return {
    selected,
    outputValues: outputs.map((o) => o.valueSats),
    changeSats,
    feeSats: sum - target - (changeSats ?? 0n),
    weight,
    vsize: weightToVsize(weight),
  };
}

function sendMax<U extends SelectableUtxo>(eligible: readonly U[], outputs: readonly SelectionOutput[], rate: bigint): CoinSelection<U> {
  if (outputs.length !== 1) throw new RangeError('send max pays exactly one output');
  const output = outputs[0]!;
  const weight = assertStandardWeight(spendWeight(Math.max(eligible.length, 1), [output.script.length]));
  const feeSats = feeForVsize(weightToVsize(weight), rate);
  const sum = eligible.reduce((s, u) => s + u.valueSats, 0n);
  const dust = dustThresholdSats(output.script);
  if (sum - feeSats < dust) {
    if (sum > feeSats) throw new BitcoinError('OUTPUT_BELOW_DUST', `After the ${feeSats} sat fee only ${sum - feeSats} sat would be sent.`);
    throw new InsufficientFundsError(feeSats + dust - sum, `The wallet holds ${sum} sat and the fee alone is ${feeSats} sat.`);
  }
  return { selected: eligible, outputValues: [sum - feeSats], changeSats: null, feeSats, weight, vsize: weightToVsize(weight) };
}

function assertStandardWeight(weight: number): number {
  if (weight > MAX_STANDARD_TX_WEIGHT) throw new BitcoinError('TOO_MANY_INPUTS');
  return weight;
}
