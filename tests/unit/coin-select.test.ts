/**
 * server/bitcoin/coin-select.ts: deterministic selection over 2-of-3 P2WSH coins (418 WU each),
 * changeless branch-and-bound first, largest-first with change as fallback, dust change dropped
 * into the fee, send max, confirmed-only by default, typed errors with the shortfall.
 */
import { describe, expect, it } from 'vitest';
import { hex } from '@scure/base';
import { DUST_LIMIT_SATS } from '@/lib/bitcoin/amount';
import { InsufficientFundsError, isBitcoinError, type BitcoinErrorCode } from '@/lib/bitcoin/errors';
import { feeForVsize, spendWeight, weightToVsize } from '@/lib/bitcoin/tx-size';
import { selectCoins, type SelectableUtxo, type SelectCoinsRequest } from '@/server/bitcoin/coin-select';

const P2WPKH = hex.decode(`0014${'22'.repeat(20)}`);
const P2WSH_CHANGE_BYTES = 34;

let counter = 0;
function coin(valueSats: bigint, extra: Partial<SelectableUtxo> = {}): SelectableUtxo {
  counter += 1;
  return { txid: counter.toString(16).padStart(64, '0'), vout: 0, valueSats, confirmations: 3, ...extra };
}

function fee(inputs: number, withChange: boolean, rateMilli = 1000n): bigint {
  const lengths = withChange ? [P2WPKH.length, P2WSH_CHANGE_BYTES] : [P2WPKH.length];
  return feeForVsize(weightToVsize(spendWeight(inputs, lengths)), rateMilli);
}

function pay(valueSats: bigint, utxos: SelectableUtxo[], extra: Partial<SelectCoinsRequest<SelectableUtxo>> = {}) {
  return selectCoins({ utxos, outputs: [{ script: P2WPKH, valueSats }], feeRateSatVb: 1, ...extra });
}

function expectCode(fn: () => unknown, code: BitcoinErrorCode): unknown {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isBitcoinError(caught), `expected ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  return caught;
}

function balanced(selection: ReturnType<typeof pay>): bigint {
  const inputs = selection.selected.reduce((s, u) => s + u.valueSats, 0n);
  const outputs = selection.outputValues.reduce((s, v) => s + v, 0n) + (selection.changeSats ?? 0n);
  return inputs - outputs;
}

describe('selection with change (largest first)', () => {
  it('takes the largest coin first and returns the rest as change, fee exact for 1 input + change', () => {
    const utxos = [coin(50_000n), coin(200_000n), coin(30_000n)];
    const selection = pay(100_000n, utxos);
    expect(selection.selected.map((u) => u.valueSats)).toEqual([200_000n]);
    expect(selection.feeSats).toBe(fee(1, true));
    expect(selection.changeSats).toBe(200_000n - 100_000n - fee(1, true));
    expect(balanced(selection)).toBe(selection.feeSats);
    expect(selection.vsize).toBe(weightToVsize(spendWeight(1, [22, 34])));
  });

  it('adds coins until outputs + fee are covered', () => {
    const selection = pay(120_000n, [coin(50_000n), coin(60_000n), coin(40_000n)]);
    expect(selection.selected.map((u) => u.valueSats)).toEqual([60_000n, 50_000n, 40_000n]);
    expect(selection.changeSats).toBe(150_000n - 120_000n - fee(3, true));
  });

  it('is deterministic: input order does not matter, ties break by txid then vout', () => {
    const a = coin(70_000n, { txid: 'b'.repeat(64), vout: 1 });
    const b = coin(70_000n, { txid: 'a'.repeat(64), vout: 2 });
    const c = coin(70_000n, { txid: 'a'.repeat(64), vout: 1 });
    const first = pay(100_000n, [a, b, c]);
    const second = pay(100_000n, [c, a, b]);
    expect(first).toEqual(second);
    expect(first.selected).toEqual([c, b]);
  });

  it('scales the fee with the fee rate (fractional sat/vB rounded up)', () => {
    const selection = pay(100_000n, [coin(200_000n)], { feeRateSatVb: 12.5 });
    expect(selection.feeSats).toBe(fee(1, true, 12_500n));
  });
});

describe('changeless selection (branch and bound)', () => {
  it('finds an exact combination and makes no change output', () => {
    const target = 100_000n;
    const exact = target + fee(2, false);
    const utxos = [coin(150_000n), coin(exact - 40_000n), coin(40_000n), coin(5_000n)];
    const selection = pay(target, utxos);
    expect(selection.changeSats).toBeNull();
    expect(selection.selected.map((u) => u.valueSats).sort()).toEqual([40_000n, exact - 40_000n].sort());
    expect(selection.feeSats).toBe(fee(2, false));
  });

  it('accepts a small excess (below the cost of change) into the fee rather than making change', () => {
    const target = 100_000n;
    const utxos = [coin(target + fee(1, false) + 50n)];
    const selection = pay(target, utxos);
    expect(selection.changeSats).toBeNull();
    expect(selection.feeSats).toBe(fee(1, false) + 50n);
  });
});

describe('dust change', () => {
  it('drops change below the P2WSH dust limit into the fee', () => {
    const target = 100_000n;
    // Too much excess for BnB's window at 1 sat/vB (cost of change 43 + 105 = 148 sat), too little for a 330-sat change.
    const value = target + fee(1, true) + DUST_LIMIT_SATS - 1n;
    const selection = pay(target, [coin(value)]);
    expect(selection.changeSats).toBeNull();
    expect(selection.feeSats).toBe(value - target);
    expect(selection.vsize).toBe(weightToVsize(spendWeight(1, [22])));
  });

  it('keeps change of exactly the dust limit', () => {
    const target = 100_000n;
    const value = target + fee(1, true) + DUST_LIMIT_SATS;
    const selection = pay(target, [coin(value)]);
    expect(selection.changeSats).toBe(DUST_LIMIT_SATS);
  });

  it('refuses a payment below its own dust threshold (OUTPUT_BELOW_DUST)', () => {
    expectCode(() => pay(293n, [coin(100_000n)]), 'OUTPUT_BELOW_DUST');
    expect(() => pay(294n, [coin(100_000n)])).not.toThrow();
  });
});

describe('send max', () => {
  it('spends every confirmed coin to the one output, no change, fee for all inputs', () => {
    const utxos = [coin(50_000n), coin(20_000n), coin(700n), coin(30_000n, { confirmations: 0 })];
    const selection = pay(0n, utxos, { sendMax: true });
    expect(selection.selected).toHaveLength(3);
    expect(selection.changeSats).toBeNull();
    expect(selection.feeSats).toBe(fee(3, false));
    expect(selection.outputValues).toEqual([70_700n - fee(3, false)]);
    expect(balanced(selection)).toBe(selection.feeSats);
  });

  it('refuses when what is left after the fee is dust (OUTPUT_BELOW_DUST)', () => {
    expectCode(() => pay(0n, [coin(fee(1, false) + 200n)], { sendMax: true }), 'OUTPUT_BELOW_DUST');
  });

  it('refuses when the fee alone exceeds the coins (INSUFFICIENT_FUNDS)', () => {
    const error = expectCode(() => pay(0n, [coin(100n)], { sendMax: true }), 'INSUFFICIENT_FUNDS') as InsufficientFundsError;
    expect(error.shortfallSats).toBe(fee(1, false) + 294n - 100n);
  });

  it('needs exactly one output', () => {
    expect(() =>
      selectCoins({ utxos: [coin(100_000n)], outputs: [{ script: P2WPKH, valueSats: 0n }, { script: P2WPKH, valueSats: 0n }], feeRateSatVb: 1, sendMax: true }),
    ).toThrow(RangeError);
  });
});

describe('confirmations', () => {
  it('spends confirmed coins only by default', () => {
    const selection = pay(50_000n, [coin(500_000n, { confirmations: 0, isOwnChange: true }), coin(60_000n)]);
    expect(selection.selected.map((u) => u.valueSats)).toEqual([60_000n]);
  });

  it('can include the wallet’s own unconfirmed change, never unconfirmed receipts', () => {
    const ownChange = coin(500_000n, { confirmations: 0, isOwnChange: true });
    const incoming = coin(900_000n, { confirmations: 0 });
    const selection = pay(400_000n, [ownChange, incoming, coin(60_000n)], { includeUnconfirmedChange: true });
    expect(selection.selected).toEqual([ownChange]);
  });

  it('spends coinbase coins (the regtest faucet) only after 100 confirmations', () => {
    const young = coin(900_000n, { isCoinbase: true, confirmations: 99 });
    const mature = coin(800_000n, { isCoinbase: true, confirmations: 100 });
    expect(pay(50_000n, [young, mature]).selected).toEqual([mature]);
    expectCode(() => pay(50_000n, [young]), 'NO_CONFIRMED_FUNDS');
  });

  it('NO_CONFIRMED_FUNDS when every coin is unconfirmed', () => {
    expectCode(() => pay(1_000n, [coin(50_000n, { confirmations: 0 }), coin(5_000n, { confirmations: 0, isOwnChange: true })]), 'NO_CONFIRMED_FUNDS');
  });
});

describe('insufficient funds', () => {
  it('reports the exact shortfall for the coins available', () => {
    const utxos = [coin(40_000n), coin(30_000n)];
    const error = expectCode(() => pay(100_000n, utxos), 'INSUFFICIENT_FUNDS') as InsufficientFundsError;
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error.shortfallSats).toBe(100_000n + fee(2, false) - 70_000n);
    // Adding exactly the shortfall to the coins makes the payment possible.
    expect(() => pay(100_000n, [coin(40_000n + error.shortfallSats), coin(30_000n)])).not.toThrow();
  });

  it('mentions unconfirmed coins that would have helped', () => {
    const error = expectCode(() => pay(100_000n, [coin(40_000n), coin(90_000n, { confirmations: 0 })]), 'INSUFFICIENT_FUNDS') as Error;
    expect(error.message).toContain('90000 sat are still unconfirmed');
  });

  it('an empty wallet is INSUFFICIENT_FUNDS with the whole amount plus a one-input fee', () => {
    const error = expectCode(() => pay(10_000n, []), 'INSUFFICIENT_FUNDS') as InsufficientFundsError;
    expect(error.shortfallSats).toBe(10_000n + fee(1, false));
  });

  it('leaves out coins worth less than the fee to spend them', () => {
    const dusty = Array.from({ length: 20 }, () => coin(100n));
    expectCode(() => pay(1_000n, dusty, { feeRateSatVb: 2 }), 'INSUFFICIENT_FUNDS');
  });
});

describe('limits', () => {
  it('refuses more inputs than a standard transaction holds (TOO_MANY_INPUTS)', () => {
    // ~981 coins of 5,000 sat are needed; 400,000 WU hold at most 956 inputs of 418 WU.
    const many = Array.from({ length: 1_000 }, () => coin(5_000n));
    expectCode(() => pay(4_800_000n, many), 'TOO_MANY_INPUTS');
  });

  it('refuses fee rates out of range', () => {
    expectCode(() => pay(10_000n, [coin(100_000n)], { feeRateSatVb: 0 }), 'FEE_RATE_OUT_OF_RANGE');
  });
});
