/**
 * lib/bitcoin/amount.ts: exact BTC/sat parsing and formatting (bigint only) and Bitcoin Core's
 * dust thresholds (policy/policy.cpp GetDustThreshold at dustrelayfee 3 sat/vB), plus the fee
 * arithmetic of lib/bitcoin/tx-size.ts.
 */
import { describe, expect, it } from 'vitest';
import { hex } from '@scure/base';
import {
  DUST_LIMIT_SATS,
  MAX_MONEY_SATS,
  dustThresholdSats,
  formatSats,
  isDust,
  parseBtcAmount,
  parseSatAmount,
  satsToBtcString,
} from '@/lib/bitcoin/amount';
import { isBitcoinError, type BitcoinErrorCode } from '@/lib/bitcoin/errors';
import { P2WSH_2OF3_INPUT_WEIGHT, feeForVsize, feeRateMilliSatsPerVb, spendWeight, weightToVsize } from '@/lib/bitcoin/tx-size';

function expectCode(fn: () => unknown, code: BitcoinErrorCode): void {
  expect(fn).toThrowError(expect.objectContaining({ name: 'BitcoinError', code }));
}

describe('parseBtcAmount', () => {
  it.each([
    ['1', 100_000_000n],
    ['0.1', 10_000_000n],
    ['0.00000001', 1n],
    ['0.12345678', 12_345_678n],
    ['21000000', MAX_MONEY_SATS],
    ['20999999.99999999', MAX_MONEY_SATS - 1n],
    ['  0.5  ', 50_000_000n],
    ['0.000000010', 1n], // extra digits that are zeros lose nothing
    ['007', 700_000_000n],
    ['0.3', 30_000_000n], // 0.1 + 0.2 style float traps do not exist here
    ['1.10000000', 110_000_000n],
  ])('%j → %s sat', (text, sats) => {
    expect(parseBtcAmount(text)).toBe(sats);
  });

  it.each(['0.000000001', '0.123456789', '1.000000001'])('%j has more than 8 decimals: AMOUNT_TOO_PRECISE', (text) => {
    expectCode(() => parseBtcAmount(text), 'AMOUNT_TOO_PRECISE');
  });

  it.each(['0', '0.0', '0.00000000', '-1', '-0.5', '- 1'])('%j is not positive: AMOUNT_NOT_POSITIVE', (text) => {
    expectCode(() => parseBtcAmount(text), 'AMOUNT_NOT_POSITIVE');
  });

  it.each(['21000000.00000001', '21000001', '99999999999999999999'])('%j is above 21 million BTC: AMOUNT_TOO_LARGE', (text) => {
    expectCode(() => parseBtcAmount(text), 'AMOUNT_TOO_LARGE');
  });

  it.each(['', ' ', 'abc', 'NaN', 'Infinity', '1e-8', '1E3', '0x10', '1,000.5', '1,5', '1 000', '.5', '5.', '1.2.3', '+1', '１', '1_000', '9'.repeat(41)])(
    '%j is not a plain decimal: AMOUNT_INVALID',
    (text) => {
      expectCode(() => parseBtcAmount(text), 'AMOUNT_INVALID');
    },
  );

  it('refuses non-strings as a programming error', () => {
    expect(() => parseBtcAmount(0.1 as unknown as string)).toThrow(TypeError);
  });
});

describe('parseSatAmount', () => {
  it('reads whole sats', () => {
    expect(parseSatAmount('1500')).toBe(1500n);
    expect(parseSatAmount('2100000000000000')).toBe(MAX_MONEY_SATS);
  });
  it('refuses fractions of a sat, zero and more than the supply', () => {
    expectCode(() => parseSatAmount('1.5'), 'AMOUNT_TOO_PRECISE');
    expectCode(() => parseSatAmount('0'), 'AMOUNT_NOT_POSITIVE');
    expectCode(() => parseSatAmount('2100000000000001'), 'AMOUNT_TOO_LARGE');
    expectCode(() => parseSatAmount('1e3'), 'AMOUNT_INVALID');
  });
});

describe('formatSats', () => {
  it.each([
    [1n, 'BTC', '0.00000001 BTC'],
    [150_000_000n, 'BTC', '1.5 BTC'],
    [100_000_000n, 'BTC', '1 BTC'],
    [0n, 'BTC', '0 BTC'],
    [MAX_MONEY_SATS, 'BTC', '21000000 BTC'],
    [-12_345n, 'BTC', '-0.00012345 BTC'],
    [1500n, 'sat', '1500 sat'],
  ] as const)('%s sat as %s → %j', (sats, unit, text) => {
    expect(formatSats(sats, unit)).toBe(text);
  });

  it('round-trips with parseBtcAmount for every tricky value', () => {
    for (const sats of [1n, 9n, 10n, 99_999_999n, 100_000_001n, 2_099_999_999_999_999n, MAX_MONEY_SATS, 12_345_678_901n]) {
      expect(parseBtcAmount(satsToBtcString(sats))).toBe(sats);
    }
  });

  it('refuses numbers (floats must never reach money code)', () => {
    expect(() => formatSats(1 as unknown as bigint, 'BTC')).toThrow(TypeError);
  });
});

describe('dust (Bitcoin Core GetDustThreshold, 3 sat/vB)', () => {
  const p2wsh = hex.decode(`0020${'11'.repeat(32)}`);
  const p2tr = hex.decode(`5120${'11'.repeat(32)}`);
  const p2wpkh = hex.decode(`0014${'11'.repeat(20)}`);
  const p2pkh = hex.decode(`76a914${'11'.repeat(20)}88ac`);
  const p2sh = hex.decode(`a914${'11'.repeat(20)}87`);
  const opReturn = hex.decode('6a04deadbeef');

  it.each([
    ['P2WSH', p2wsh, 330n],
    ['P2TR', p2tr, 330n],
    ['P2WPKH', p2wpkh, 294n],
    ['P2PKH', p2pkh, 546n],
    ['P2SH', p2sh, 540n],
    ['OP_RETURN', opReturn, 0n],
  ])('%s threshold is %s sat', (_name, script, threshold) => {
    expect(dustThresholdSats(script)).toBe(threshold);
  });

  it('DUST_LIMIT_SATS is the P2WSH threshold; one sat less is dust', () => {
    expect(DUST_LIMIT_SATS).toBe(dustThresholdSats(p2wsh));
    expect(isDust(p2wsh, 329n)).toBe(true);
    expect(isDust(p2wsh, 330n)).toBe(false);
    expect(isDust(p2pkh, 545n)).toBe(true);
    expect(isDust(opReturn, 0n)).toBe(false);
  });
});

describe('fee arithmetic (integers only)', () => {
  it('one 2-of-3 P2WSH input weighs 418 WU = 104.5 vB', () => {
    expect(P2WSH_2OF3_INPUT_WEIGHT).toBe(418);
    expect(spendWeight(2, [34]) - spendWeight(1, [34])).toBe(418);
  });

  it('1 input → 1 P2WPKH + 1 P2WSH output: 10.5 + 104.5 + 31 + 43 = 189 vB', () => {
    // 4 version + 4 locktime + 1 + 1 counts = 10 B ×4 + 2 WU marker/flag = 42 WU
    expect(spendWeight(1, [22, 34])).toBe(42 + 418 + 31 * 4 + 43 * 4);
    expect(weightToVsize(spendWeight(1, [22, 34]))).toBe(189);
  });

  it('fee rates are exact in milli-sats and round the fee up', () => {
    expect(feeRateMilliSatsPerVb(1.5)).toBe(1500n);
    expect(feeForVsize(141, 1500n)).toBe(212n); // 211.5 → 212
    expect(feeForVsize(141, 1000n)).toBe(141n);
    expect(feeRateMilliSatsPerVb(0.1)).toBe(100n);
  });

  it.each([0, 0.05, -1, Number.NaN, Number.POSITIVE_INFINITY, 10_001, 1.0001])('refuses fee rate %s: FEE_RATE_OUT_OF_RANGE', (rate) => {
    let caught: unknown;
    try {
      feeRateMilliSatsPerVb(rate);
    } catch (error) {
      caught = error;
    }
    expect(isBitcoinError(caught, 'FEE_RATE_OUT_OF_RANGE')).toBe(true);
  });
});
