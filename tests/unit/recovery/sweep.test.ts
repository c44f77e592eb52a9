/**
 * Pasted coin lists (generic, Bitcoin Core listunspent / scantxoutset, Esplora) read exactly and
 * mapped to the card's addresses by gap scanning; the sweep's fee and amount exact, its PSBT
 * carrying what BIP174 signers need, signed by Key #1 + Key #2, finalizing to a valid tx.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { randomBytes } from '@noble/hashes/utils.js';
import { describePsbt, finalizeAndExtract } from '@/lib/crypto/psbt';
import { feeForVsize, spendWeight, weightToVsize } from '@/lib/bitcoin/tx-size';
import { RecoveryError, buildSweep, cardAddresses, cardOrigins, expandExponent, mapUtxos, parseUtxos, unlockKeycard, type RecoveryErrorCode, type UnlockedKeys } from '@/lib/recovery';
import { RECOVERY_PASSWORD, makeTestCard, type TestCard } from './make-card';

function expectRecoveryError(run: () => unknown, code: RecoveryErrorCode): RecoveryError {
  try {
    run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(RecoveryError);
    expect((error as RecoveryError).code, String(error)).toBe(code);
    return error as RecoveryError;
  }
  throw new Error(`expected RecoveryError ${code}`);
}

const txid = () => hex.encode(randomBytes(32));
const DEST = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'; // P2WPKH, regtest

let t: TestCard;
let keys: UnlockedKeys;
beforeAll(async () => {
  t = await makeTestCard('regtest');
  keys = await unlockKeycard(t.card, RECOVERY_PASSWORD);
});

describe('parsing pasted coins', () => {
  it('reads a generic list (value in sats or amount in BTC) exactly, without floats', () => {
    const [a, b] = [txid(), txid()];
    const utxos = parseUtxos(`[{"txid":"${a}","vout":0,"value":2099999999999999,"address":"x"},{"txid":"${b.toUpperCase()}","vout":3,"amount":20999999.99999999}]`);
    expect(utxos).toEqual([
      { txid: a, vout: 0, valueSats: 2_099_999_999_999_999n, address: 'x' },
      { txid: b, vout: 3, valueSats: 2_099_999_999_999_999n },
    ]);
    expect(parseUtxos(`[{"txid":"${a}","vout":1,"amount":1e-8}]`)[0]!.valueSats).toBe(1n);
    expect(parseUtxos(`[{"txid":"${a}","vout":1,"amount":0.1,"value":10000000}]`)[0]!.valueSats).toBe(10_000_000n);
    expect(expandExponent('1.5E+1')).toBe('15');
    expect(expandExponent('12.5e-3')).toBe('0.0125');
  });

  it('reads Bitcoin Core listunspent and scantxoutset output', () => {
    const a = txid();
    const core = `[
  {
    "txid": "${a}",
    "vout": 1,
    "address": "bcrt1qexample",
    "label": "say \\"amount\\": 5",
    "scriptPubKey": "0020AB",
    "amount": 12.50000000,
    "confirmations": 101,
    "spendable": false,
    "solvable": true,
    "safe": true
  }
]`;
    expect(parseUtxos(core)).toEqual([{ txid: a, vout: 1, valueSats: 1_250_000_000n, address: 'bcrt1qexample', scriptPubKey: '0020ab' }]);
    const scan = `{"success":true,"txouts":9,"height":500,"unspents":[{"txid":"${a}","vout":0,"scriptPubKey":"0020cd","desc":"wsh(...)","amount":0.00012345,"coinbase":false,"height":480}],"total_amount":0.00012345}`;
    expect(parseUtxos(scan)).toEqual([{ txid: a, vout: 0, valueSats: 12_345n, scriptPubKey: '0020cd' }]);
  });

  it('reads Esplora /address/:a/utxo answers, wrapped by address or with the address given', () => {
    const a = txid();
    const esplora = `[{"txid":"${a}","vout":2,"status":{"confirmed":true,"block_height":480,"block_hash":"00","block_time":1},"value":5000}]`;
    expect(parseUtxos(`{"bcrt1qaddr": ${esplora}}`)).toEqual([{ txid: a, vout: 2, valueSats: 5000n, address: 'bcrt1qaddr' }]);
    expect(parseUtxos(esplora, { address: 'bcrt1qaddr' })).toEqual([{ txid: a, vout: 2, valueSats: 5000n, address: 'bcrt1qaddr' }]);
  });

  it('refuses what it cannot read exactly', () => {
    const a = txid();
    for (const bad of [
      'not json',
      '{"a": 1}',
      `[{"txid":"${a}","vout":0}]`,
      `[{"txid":"${a}","vout":0,"value":1.5}]`,
      `[{"txid":"${a}","vout":0,"amount":0.000000001}]`,
      `[{"txid":"${a}","vout":-1,"value":5}]`,
      `[{"txid":"abc","vout":0,"value":5}]`,
      `[{"txid":"${a}","vout":0,"value":5,"amount":1}]`,
    ]) {
      expectRecoveryError(() => parseUtxos(bad), 'UTXO_FORMAT');
    }
  });
});

describe('mapping coins to the wallet', () => {
  it('finds receive and change coins by address or script, and names unknown ones', () => {
    const r = cardAddresses(t.card, 0, 0, 30);
    const c = cardAddresses(t.card, 1, 0, 5);
    const [a, b, d] = [txid(), txid(), txid()];
    const pasted = parseUtxos(
      JSON.stringify([
        { txid: a, vout: 0, value: 100_000, address: r[0]!.address },
        { txid: b, vout: 1, value: 200_000, scriptPubKey: c[4]!.scriptPubKey },
        { txid: d, vout: 0, value: 300_000, address: r[25]!.address },
      ]),
    );
    const error = expectRecoveryError(() => mapUtxos(t.card, pasted), 'UTXO_UNKNOWN');
    expect(error.items).toEqual([`${d}:0 (${r[25]!.address})`]);
    const withGap = mapUtxos(t.card, pasted, { gap: 30 });
    expect(withGap.map((u) => [u.txid, u.branch, u.index, u.valueSats])).toEqual([
      [a, 0, 0, 100_000n],
      [b, 1, 4, 200_000n],
      [d, 0, 25, 300_000n],
    ]);
    expect(mapUtxos(t.card, pasted, { maxIndex: 25 })).toHaveLength(3);
    const stranger = parseUtxos(JSON.stringify([{ txid: a, vout: 0, value: 1, address: DEST }]));
    expect(expectRecoveryError(() => mapUtxos(t.card, stranger), 'UTXO_UNKNOWN').items[0]).toContain(DEST);
    const lying = parseUtxos(JSON.stringify([{ txid: a, vout: 0, value: 1, address: r[0]!.address, scriptPubKey: r[1]!.scriptPubKey }]));
    expectRecoveryError(() => mapUtxos(t.card, lying), 'UTXO_UNKNOWN');
    expectRecoveryError(() => mapUtxos(t.card, []), 'NO_UTXOS');
    const twice = parseUtxos(JSON.stringify([{ txid: a, vout: 0, value: 1, address: r[0]!.address }, { txid: a, vout: 0, value: 2, address: r[0]!.address }]));
    expectRecoveryError(() => mapUtxos(t.card, twice), 'UTXO_DUPLICATE');
  });
});

describe('the sweep', () => {
  function coins(values: bigint[]) {
    const r = cardAddresses(t.card, 0, 0, 3);
    const c = cardAddresses(t.card, 1, 0, 3);
    const list = values.map((value, i) => ({ txid: txid(), vout: i, value: Number(value), address: (i % 2 ? c : r)[i % 3]!.address }));
    return mapUtxos(t.card, parseUtxos(JSON.stringify(list)));
  }

  it('spends every coin to the destination, fee and amount exact, signed by Key #1 and Key #2', () => {
    const utxos = coins([150_000n, 250_001n, 99_999n]);
    const sweep = buildSweep({ card: t.card, keys, utxos, destination: DEST, feeRateSatVb: 2.5 });
    const estimate = weightToVsize(spendWeight(3, [22]));
    expect(sweep.vsizeEstimate).toBe(estimate);
    expect(sweep.feeSats).toBe(feeForVsize(estimate, 2500n));
    expect(sweep.feeSats).toBe(BigInt(Math.ceil(estimate * 2.5)));
    expect(sweep.totalInSats).toBe(500_000n);
    expect(sweep.amountSats).toBe(500_000n - sweep.feeSats);
    expect(sweep.vsize).toBeLessThanOrEqual(sweep.vsizeEstimate);
    expect(sweep.vsize).toBeGreaterThan(sweep.vsizeEstimate - 3);

    const psbt = Transaction.fromPSBT(Buffer.from(sweep.psbtBase64, 'base64'));
    for (let i = 0; i < 3; i++) {
      const input = psbt.getInput(i);
      expect(input.witnessUtxo?.amount).toBe(utxos[i]!.valueSats);
      expect(hex.encode(input.witnessScript!)).toBe(utxos[i]!.address.witnessScript);
      expect(input.bip32Derivation).toHaveLength(3);
      expect(input.partialSig).toHaveLength(2);
    }
    const described = describePsbt(sweep.psbtBase64, { origins: cardOrigins(t.card), network: 'regtest' });
    expect(described.outputs).toEqual([{ address: DEST, scriptHex: described.outputs[0]!.scriptHex, valueSats: sweep.amountSats, isChange: false }]);
    expect(described.feeSats).toBe(sweep.feeSats);

    expect(finalizeAndExtract(sweep.psbtBase64)).toEqual({ txHex: sweep.txHex, txid: sweep.txid });
    const tx = Transaction.fromRaw(hex.decode(sweep.txHex));
    expect(tx.id).toBe(sweep.txid);
    expect(tx.inputsLength).toBe(3);
    expect(tx.getInput(0).finalScriptWitness).toHaveLength(4);
  });

  it('has typed errors for the destination, the fee rate, dust and too little money', () => {
    const utxos = coins([2_000n]);
    const sweep = (destination: string, feeRateSatVb: number) => () => buildSweep({ card: t.card, keys, utxos, destination, feeRateSatVb });
    expectRecoveryError(sweep('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 1), 'DESTINATION_WRONG_NETWORK');
    expectRecoveryError(sweep('not-an-address', 1), 'INVALID_ADDRESS');
    expectRecoveryError(sweep(DEST, 0), 'FEE_RATE_OUT_OF_RANGE');
    expectRecoveryError(sweep(DEST, 1.0001), 'FEE_RATE_OUT_OF_RANGE');
    expectRecoveryError(sweep(DEST, 12), 'DUST'); // 2000 − 12 × 146 vB = 248 < 294 (P2WPKH dust)
    expectRecoveryError(sweep(DEST, 20), 'INSUFFICIENT_FUNDS');
    expect(buildSweep({ card: t.card, keys, utxos, destination: DEST, feeRateSatVb: 1 }).amountSats).toBe(2_000n - 146n) // 1 input + 1 P2WPKH output: 584 WU = 146 vB;
  });

  it('refuses keys that are not the card’s', () => {
    const utxos = coins([50_000n]);
    const error = expectRecoveryError(() => buildSweep({ card: t.card, keys: { user: keys.backup, backup: keys.user }, utxos, destination: DEST, feeRateSatVb: 1 }), 'KEY_MISMATCH');
    expect(error.part).toBe('Box 1');
  });
});
