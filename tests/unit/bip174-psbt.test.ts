/**
 * BIP174 PSBTs of the 2-of-3 P2WSH wallet, end to end: build (server/bitcoin/build-psbt.ts) →
 * describe and sign with Key #1 in the "browser" (lib/crypto/psbt.ts) → co-sign with Key #3 from a
 * real software-keystore CoSigner (server/cosigner/verify-psbt.ts) → finalize and extract.
 *
 * Checked against a second implementation, bitcoinjs-lib 7 (+ bip32 over @bitcoinerlab/secp256k1):
 * - every witness signature of the final transaction verifies against bitcoinjs' own BIP143
 *   digest (Transaction.hashForWitnessV0), with the witness layout [<>, sig, sig, witnessScript];
 * - parity: bitcoinjs reads our unsigned PSBT, signs it through the bip32Derivation fields we
 *   wrote (signInputHD), finalizes it, and produces the very same transaction, byte for byte
 *   (RFC 6979 signatures are deterministic in both); and the reverse — a PSBT built by bitcoinjs
 *   is described and signed by our code and finalized by bitcoinjs.
 * Also: the recovery path (Key #1 + Key #2, no co-signer), size estimates, finalizer refusals,
 * destination checks per network, the exact PSBT fields we promise other BIP174 signers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { BIP32Factory, type BIP32Interface } from 'bip32';
import { hex } from '@scure/base';
import { Address, OutScript, SigHash, Transaction } from '@scure/btc-signer';
import { HDKey } from '@scure/bip32';
import { deriveAddress } from '@/lib/crypto/address';
import { decodeExtendedKey, parseDerivationPath } from '@/lib/crypto/keys';
import { networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';
import { RBF_SEQUENCE, describePsbt, finalizeAndExtract, signPsbtWithKey } from '@/lib/crypto/psbt';
import { isBitcoinError, type BitcoinErrorCode } from '@/lib/bitcoin/errors';
import { parseDestination } from '@/lib/bitcoin/destination';
import { buildUnsignedPsbt, type BuildPsbtRequest } from '@/server/bitcoin/build-psbt';
import { cosignPsbt, type ApprovedSpend } from '@/server/cosigner/verify-psbt';
import { coinAt, makeTestWallet, mutatePsbt, openTestCoSigner, type CoSignerHandle, type TestWallet } from '../helpers/psbt-fixtures';

const bip32 = BIP32Factory(ecc);
const REGTEST = bitcoin.networks.regtest;
const TIP = 321;

let handle: CoSignerHandle;
let w: TestWallet;
let cosignerTprv: string;

beforeAll(async () => {
  bitcoin.initEccLib(ecc);
  handle = await openTestCoSigner();
  w = await makeTestWallet(handle.cosigner);
  // Test only: the co-signer's master, so that bitcoinjs can sign the same spend independently.
  cosignerTprv = await handle.cosigner.withBitcoinMaster(w.cosignerWrapped, 'regtest', (master) => master.privateExtendedKey);
});

afterAll(async () => {
  await handle?.close();
});

function expectBitcoinError(fn: () => unknown, code: BitcoinErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isBitcoinError(caught), `expected BitcoinError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

/** An outside address on regtest (P2WPKH of a fixed key hash). */
function externalAddress(network: BitcoinNetwork, byte = 7): string {
  return Address(networkParams(network).btcSigner).encode({ type: 'wpkh', hash: new Uint8Array(20).fill(byte) });
}

function request(overrides: Partial<BuildPsbtRequest> = {}): BuildPsbtRequest {
  return {
    wallet: w.wallet,
    utxos: [coinAt(w.wallet, 0, 0, 150_000n), coinAt(w.wallet, 0, 3, 80_000n), coinAt(w.wallet, 1, 2, 60_000n)],
    outputs: [{ address: externalAddress('regtest'), valueSats: 170_000n }],
    feeRateSatVb: 2,
    change: { index: 5 },
    rbf: true,
    tipHeight: TIP,
    ...overrides,
  };
}

function approvalFor(built: ReturnType<typeof buildUnsignedPsbt>, feeCapSats = built.feeSats): ApprovedSpend {
  return { outputs: built.outputs, feeCapSats, network: 'regtest' };
}

async function userThenCosigner(built: ReturnType<typeof buildUnsignedPsbt>): Promise<string> {
  const userSigned = signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet);
  return cosignPsbt(handle.cosigner, w.cosignerWrapped, userSigned, approvalFor(built), w.wallet, built.selectedUtxos, TIP);
}

/** bitcoinjs: every input's witness is [<>, sig, sig, witnessScript] and both sigs verify on bitcoinjs' BIP143 digest. */
function verifyWithBitcoinjs(txHex: string, prevouts: readonly { script: Uint8Array; value: bigint }[]): bitcoin.Transaction {
  const tx = bitcoin.Transaction.fromHex(txHex);
  expect(tx.ins.length).toBe(prevouts.length);
  tx.ins.forEach((input, i) => {
    const [empty, sigA, sigB, witnessScript, ...rest] = input.witness;
    expect(rest).toHaveLength(0);
    expect(empty).toHaveLength(0);
    expect(input.script).toHaveLength(0);
    const ms = bitcoin.payments.p2ms({ output: witnessScript! });
    expect(ms.m).toBe(2);
    expect(bitcoin.payments.p2wsh({ redeem: { output: witnessScript! } }).output).toEqual(prevouts[i]!.script);
    const digest = tx.hashForWitnessV0(i, witnessScript!, prevouts[i]!.value, bitcoin.Transaction.SIGHASH_ALL);
    const signers = [sigA!, sigB!].map((sig) => {
      const { signature, hashType } = bitcoin.script.signature.decode(sig);
      expect(hashType).toBe(bitcoin.Transaction.SIGHASH_ALL);
      const signer = ms.pubkeys!.findIndex((pk) => ecc.verify(digest, pk, signature));
      expect(signer, `input ${i}: signature verifies for a key of the script`).toBeGreaterThanOrEqual(0);
      return signer;
    });
    expect(signers[0]).toBeLessThan(signers[1]!); // CHECKMULTISIG order
  });
  return tx;
}

function prevoutsOf(built: ReturnType<typeof buildUnsignedPsbt>) {
  return built.selectedUtxos.map((u) => ({ script: hex.decode(u.scriptPubKey), value: u.valueSats }));
}

function hdSigner(xprv: string): BIP32Interface {
  return bip32.fromBase58(xprv, REGTEST);
}

describe('build → user signs → co-signer signs → finalize', () => {
  it('produces a transaction whose witnesses verify with bitcoinjs-lib', async () => {
    const built = buildUnsignedPsbt(request());
    const { txHex, txid } = finalizeAndExtract(await userThenCosigner(built));
    const tx = verifyWithBitcoinjs(txHex, prevoutsOf(built));
    expect(tx.getId()).toBe(txid);
    expect(tx.version).toBe(2);
    expect(tx.locktime).toBe(TIP);
    expect(tx.ins.every((i) => i.sequence === RBF_SEQUENCE)).toBe(true);
    const outputTotal = tx.outs.reduce((s, o) => s + o.value, 0n);
    const inputTotal = built.selectedUtxos.reduce((s, u) => s + u.valueSats, 0n);
    expect(inputTotal - outputTotal).toBe(built.feeSats);
  });

  it('estimates a vsize that never under-pays and is tight (≤ ¼ vB per input over)', async () => {
    const built = buildUnsignedPsbt(request());
    const tx = bitcoin.Transaction.fromHex(finalizeAndExtract(await userThenCosigner(built)).txHex);
    expect(built.vsize).toBeGreaterThanOrEqual(tx.virtualSize());
    expect(tx.weight()).toBeGreaterThanOrEqual(built.vsize * 4 - 3 - 2 * built.selectedUtxos.length);
    expect(describePsbt(built.psbtBase64, w.wallet).vsizeEstimate).toBe(built.vsize);
    expect(Number(built.feeSats)).toBeGreaterThanOrEqual(2 * tx.virtualSize());
  });

  it('recovery path: Key #1 + Key #2 without the co-signer', () => {
    const built = buildUnsignedPsbt(request());
    const userSigned = signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet);
    const both = signPsbtWithKey(userSigned, w.backupXprv, 'backup', w.wallet);
    const { txHex } = finalizeAndExtract(both);
    verifyWithBitcoinjs(txHex, prevoutsOf(built));
  });

  it('Key #2 + Key #3 also completes (any two of three)', async () => {
    const built = buildUnsignedPsbt(request());
    const backupSigned = signPsbtWithKey(built.psbtBase64, w.backupXprv, 'backup', w.wallet);
    const both = await cosignPsbt(handle.cosigner, w.cosignerWrapped, backupSigned, approvalFor(built), w.wallet, built.selectedUtxos, TIP);
    verifyWithBitcoinjs(finalizeAndExtract(both).txHex, prevoutsOf(built));
  });

  it('accepts the signer key as an HDKey and leaves it intact for its owner', () => {
    const built = buildUnsignedPsbt(request());
    const master = decodeExtendedKey(w.userXprv, 'regtest', 'private');
    signPsbtWithKey(built.psbtBase64, master, 'user', w.wallet);
    expect(master.privateKey).not.toBeNull();
    master.wipePrivateData();
  });
});

describe('parity with bitcoinjs-lib', () => {
  it('bitcoinjs signs our PSBT via its bip32Derivation fields and extracts the identical transaction', async () => {
    const built = buildUnsignedPsbt(request());
    const ours = finalizeAndExtract(await userThenCosigner(built));

    const psbt = bitcoin.Psbt.fromBase64(built.psbtBase64, { network: REGTEST });
    for (let i = 0; i < psbt.inputCount; i++) {
      psbt.signInputHD(i, hdSigner(w.userXprv));
      psbt.signInputHD(i, hdSigner(cosignerTprv));
    }
    const ecdsa = (pubkey: Uint8Array, msghash: Uint8Array, signature: Uint8Array) => ecc.verify(msghash, pubkey, signature);
    for (let i = 0; i < psbt.inputCount; i++) expect(psbt.validateSignaturesOfInput(i, ecdsa)).toBe(true);
    psbt.finalizeAllInputs();
    const theirs = psbt.extractTransaction();
    expect(theirs.getId()).toBe(ours.txid);
    expect(theirs.toHex()).toBe(ours.txHex);
  });

  it('a PSBT built by bitcoinjs is described and signed by ours, finalized by bitcoinjs', () => {
    const coins = [coinAt(w.wallet, 0, 1, 90_000n), coinAt(w.wallet, 1, 0, 40_000n)];
    const destination = externalAddress('regtest', 9);
    const change = deriveAddress(w.wallet.origins, 'regtest', 1, 4);
    const psbt = new bitcoin.Psbt({ network: REGTEST });
    psbt.setVersion(2);
    psbt.setLocktime(TIP);
    for (const coin of coins) {
      const address = deriveAddress(w.wallet.origins, 'regtest', coin.branch, coin.index);
      psbt.addInput({
        hash: coin.txid,
        index: coin.vout,
        sequence: RBF_SEQUENCE,
        witnessUtxo: { script: hex.decode(address.scriptPubKey), value: coin.valueSats },
        witnessScript: hex.decode(address.witnessScript),
        bip32Derivation: bitcoinjsDerivations(coin.branch, coin.index),
      });
    }
    psbt.addOutput({ address: destination, value: 100_000n });
    psbt.addOutput({ script: hex.decode(change.scriptPubKey), value: 29_000n, bip32Derivation: bitcoinjsDerivations(1, 4) });

    const description = describePsbt(psbt.toBase64(), w.wallet);
    expect(description.inputs.map((i) => [i.branch, i.index, i.valueSats])).toEqual([
      [0, 1, 90_000n],
      [1, 0, 40_000n],
    ]);
    expect(description.outputs).toEqual([
      { address: destination, scriptHex: hex.encode(parseDestination(destination, 'regtest').script), valueSats: 100_000n, isChange: false },
      { address: change.address, scriptHex: change.scriptPubKey, valueSats: 29_000n, isChange: true, changeIndex: 4 },
    ]);
    expect(description.feeSats).toBe(1_000n);

    const signed = signPsbtWithKey(signPsbtWithKey(psbt.toBase64(), w.userXprv, 'user', w.wallet), w.backupXprv, 'backup', w.wallet);
    const back = bitcoin.Psbt.fromBase64(signed, { network: REGTEST });
    back.finalizeAllInputs();
    const ours = finalizeAndExtract(signed);
    expect(back.extractTransaction().toHex()).toBe(ours.txHex);
    verifyWithBitcoinjs(ours.txHex, coins.map((c) => ({ script: hex.decode(c.scriptPubKey), value: c.valueSats })));
  });
});

function bitcoinjsDerivations(branch: number, index: number) {
  return w.wallet.origins.map((origin) => {
    const account = decodeExtendedKey(origin.xpub, 'regtest', 'public');
    return {
      masterFingerprint: hex.decode(origin.fingerprint),
      path: `${origin.path}/${branch}/${index}`,
      pubkey: account.deriveChild(branch).deriveChild(index).publicKey!,
    };
  });
}

describe('the unsigned PSBT carries what any BIP174 signer needs', () => {
  it('version 2, RBF sequences, locktime = tip, witnessUtxo + witnessScript + three derivations per input and on change', () => {
    const built = buildUnsignedPsbt(request());
    const tx = Transaction.fromPSBT(Buffer.from(built.psbtBase64, 'base64'));
    expect(tx.version).toBe(2);
    expect(tx.lockTime).toBe(TIP);
    expect(built.lockTime).toBe(TIP);
    const fingerprints = w.wallet.origins.map((o) => Number.parseInt(o.fingerprint, 16)).sort();
    for (let i = 0; i < tx.inputsLength; i++) {
      const input = tx.getInput(i);
      const coin = built.selectedUtxos[i]!;
      const address = deriveAddress(w.wallet.origins, 'regtest', coin.branch, coin.index);
      expect(input.sequence).toBe(0xfffffffd);
      expect(hex.encode(input.witnessUtxo!.script)).toBe(address.scriptPubKey);
      expect(input.witnessUtxo!.amount).toBe(coin.valueSats);
      expect(hex.encode(input.witnessScript!)).toBe(address.witnessScript);
      expect(input.bip32Derivation).toHaveLength(3);
      expect(input.bip32Derivation!.map(([, d]) => d.fingerprint).sort()).toEqual(fingerprints);
      expect(input.bip32Derivation!.map(([pk]) => hex.encode(pk)).sort()).toEqual([...address.pubkeys].sort());
      for (const [, d] of input.bip32Derivation!) {
        expect(d.path.slice(0, 4)).toEqual(parseDerivationPath("m/48'/1'/0'/2'"));
        expect(d.path.slice(4)).toEqual([coin.branch, coin.index]);
      }
      expect(input.nonWitnessUtxo).toBeUndefined();
    }
    const changeAt = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i)).findIndex((o) => o.bip32Derivation?.length);
    const change = tx.getOutput(changeAt);
    const changeAddress = deriveAddress(w.wallet.origins, 'regtest', 1, 5);
    expect(hex.encode(change.script!)).toBe(changeAddress.scriptPubKey);
    expect(hex.encode(change.witnessScript!)).toBe(changeAddress.witnessScript);
    expect(change.bip32Derivation).toHaveLength(3);
    expect(change.bip32Derivation!.every(([, d]) => d.path.at(-2) === 1 && d.path.at(-1) === 5)).toBe(true);
    expect(built.changeOutput).toEqual({ index: 5, valueSats: change.amount, address: changeAddress.address });
  });

  it('describePsbt recognises the change by recomputation and reports fee and fee rate', () => {
    const built = buildUnsignedPsbt(request());
    const description = describePsbt(built.psbtBase64, w.wallet);
    const change = description.outputs.filter((o) => o.isChange);
    expect(change).toEqual([{ address: built.changeOutput!.address, scriptHex: expect.any(String), valueSats: built.changeOutput!.valueSats, isChange: true, changeIndex: 5 }]);
    expect(description.outputs.filter((o) => !o.isChange).map((o) => [o.address, o.valueSats])).toEqual([[externalAddress('regtest'), 170_000n]]);
    expect(description.feeSats).toBe(built.feeSats);
    expect(description.feeRate).toBeGreaterThanOrEqual(2);
    expect(description.feeRate).toBeLessThan(2.1);
    expect(description.lockTime).toBe(TIP);
  });

  it('locktime 0 when no tip is given', () => {
    const built = buildUnsignedPsbt(request({ tipHeight: undefined }));
    expect(Transaction.fromPSBT(Buffer.from(built.psbtBase64, 'base64')).lockTime).toBe(0);
  });

  it('send max: every confirmed coin, one output, no change', async () => {
    const built = buildUnsignedPsbt(request({ sendMax: true, outputs: [{ address: externalAddress('regtest'), valueSats: 0n }] }));
    expect(built.changeOutput).toBeUndefined();
    expect(built.selectedUtxos).toHaveLength(3);
    expect(built.outputs[0]!.valueSats).toBe(290_000n - built.feeSats);
    const { txHex } = finalizeAndExtract(await userThenCosigner(built));
    expect(bitcoin.Transaction.fromHex(txHex).outs).toHaveLength(1);
  });

  it('refuses a coin whose stored script is not the wallet address it names (UTXO_NOT_OURS)', () => {
    const wrong = { ...coinAt(w.wallet, 0, 0, 150_000n), index: 1 };
    expectBitcoinError(() => buildUnsignedPsbt(request({ utxos: [wrong], outputs: [{ address: externalAddress('regtest'), valueSats: 50_000n }] })), 'UTXO_NOT_OURS');
  });
});

describe('destination addresses are checked for the wallet network', () => {
  const scriptHash = new Uint8Array(20).fill(3);
  const legacy = (network: BitcoinNetwork, type: 'pkh' | 'sh') => Address(networkParams(network).btcSigner).encode({ type, hash: scriptHash });

  it('accepts bcrt1 (P2WPKH, P2WSH), and regtest/testnet legacy P2PKH and P2SH on regtest', () => {
    const p2wsh = Address(networkParams('regtest').btcSigner).encode({ type: 'wsh', hash: new Uint8Array(32).fill(5) });
    for (const address of [externalAddress('regtest'), p2wsh, legacy('regtest', 'pkh'), legacy('regtest', 'sh')]) {
      expect(() => buildUnsignedPsbt(request({ outputs: [{ address, valueSats: 50_000n }] }))).not.toThrow();
    }
    expect(parseDestination(externalAddress('regtest').toUpperCase(), 'regtest').address).toBe(externalAddress('regtest'));
  });

  it.each([
    ['testnet bech32 (tb1)', () => externalAddress('testnet')],
    ['mainnet bech32 (bc1)', () => externalAddress('mainnet')],
    ['mainnet P2PKH (1…)', () => legacy('mainnet', 'pkh')],
    ['mainnet P2SH (3…)', () => legacy('mainnet', 'sh')],
  ])('refuses a %s address on regtest: WRONG_NETWORK', (_name, address) => {
    expectBitcoinError(() => buildUnsignedPsbt(request({ outputs: [{ address: address(), valueSats: 50_000n }] })), 'WRONG_NETWORK');
  });

  it('refuses a regtest address on mainnet and testnet: WRONG_NETWORK', () => {
    expectBitcoinError(() => parseDestination(externalAddress('regtest'), 'mainnet'), 'WRONG_NETWORK');
    expectBitcoinError(() => parseDestination(externalAddress('regtest'), 'testnet'), 'WRONG_NETWORK');
    expect(parseDestination(externalAddress('mainnet'), 'mainnet').type).toBe('wpkh');
  });

  it.each(['', 'bcrt1qnotanaddress', 'hello', externalAddress('regtest').slice(0, -1) + 'x', '1'.repeat(101)])('refuses %j: INVALID_ADDRESS', (address) => {
    expectBitcoinError(() => buildUnsignedPsbt(request({ outputs: [{ address, valueSats: 50_000n }] })), 'INVALID_ADDRESS');
  });
});

describe('the browser signer checks before it signs', () => {
  it('refuses the wrong key for the role (KEY_NOT_IN_WALLET)', () => {
    const built = buildUnsignedPsbt(request());
    expectBitcoinError(() => signPsbtWithKey(built.psbtBase64, w.backupXprv, 'user', w.wallet), 'KEY_NOT_IN_WALLET');
  });

  it('refuses an input asking for SIGHASH_NONE (SIGHASH_NOT_ALL)', () => {
    const built = buildUnsignedPsbt(request());
    const tampered = mutatePsbt(built.psbtBase64, (tx) => tx.updateInput(1, { sighashType: SigHash.NONE }));
    expectBitcoinError(() => signPsbtWithKey(tampered, w.userXprv, 'user', w.wallet), 'SIGHASH_NOT_ALL');
  });

  it('refuses an input whose derivations do not name this key (DERIVATION_MISSING)', () => {
    const built = buildUnsignedPsbt(request());
    const userFingerprint = Number.parseInt(w.wallet.origins[0].fingerprint, 16);
    const tampered = mutatePsbt(built.psbtBase64, (tx) => {
      const input = tx.getInput(0);
      const kept = input.bip32Derivation!.filter(([, d]) => d.fingerprint !== userFingerprint);
      // updateInput merges derivation maps (it cannot remove an entry), so edit the parsed input.
      (tx as unknown as { inputs: { bip32Derivation: unknown }[] }).inputs[0]!.bip32Derivation = kept;
    });
    expectBitcoinError(() => signPsbtWithKey(tampered, w.userXprv, 'user', w.wallet), 'DERIVATION_MISSING');
  });

  it('refuses a PSBT that is not base64 or not a PSBT (PSBT_MALFORMED)', () => {
    expectBitcoinError(() => signPsbtWithKey('not a psbt!', w.userXprv, 'user', w.wallet), 'PSBT_MALFORMED');
    expectBitcoinError(() => describePsbt(Buffer.from('psbt\xff nope').toString('base64'), w.wallet), 'PSBT_MALFORMED');
  });

  it('exports no "sign everything" entry point: only the checked per-input signer and the PSBT signer built on it', async () => {
    const module = await import('@/lib/crypto/psbt');
    expect(Object.keys(module).filter((name) => /^sign[A-Z]/.test(name)).sort()).toEqual(['signInputWithKey', 'signPsbtWithKey']);
  });
});

describe('finalizeAndExtract checks the signatures it finalizes', () => {
  it('refuses one signature of two (NOT_ENOUGH_SIGNATURES)', () => {
    const built = buildUnsignedPsbt(request());
    expectBitcoinError(() => finalizeAndExtract(signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet)), 'NOT_ENOUGH_SIGNATURES');
    expectBitcoinError(() => finalizeAndExtract(built.psbtBase64), 'NOT_ENOUGH_SIGNATURES');
  });

  it('refuses a signature that does not verify (INVALID_SIGNATURE)', () => {
    const built = buildUnsignedPsbt(request());
    const signed = signPsbtWithKey(signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet), w.backupXprv, 'backup', w.wallet);
    const tampered = mutatePsbt(signed, (tx) => {
      const partial = (tx as unknown as { inputs: { partialSig: [Uint8Array, Uint8Array][] }[] }).inputs[0]!.partialSig;
      const sig = partial[0]![1];
      sig[10] = sig[10]! ^ 0x01;
    });
    expectBitcoinError(() => finalizeAndExtract(tampered), 'INVALID_SIGNATURE');
  });

  it('refuses a signature made over another transaction (INVALID_SIGNATURE)', () => {
    const built = buildUnsignedPsbt(request());
    const other = buildUnsignedPsbt(request({ feeRateSatVb: 3 }));
    const signedOther = signPsbtWithKey(other.psbtBase64, w.backupXprv, 'backup', w.wallet);
    const foreignSig = Transaction.fromPSBT(Buffer.from(signedOther, 'base64')).getInput(0).partialSig!;
    const userSigned = signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet);
    const tampered = mutatePsbt(userSigned, (tx) => tx.updateInput(0, { partialSig: foreignSig }, true));
    expectBitcoinError(() => finalizeAndExtract(tampered), 'INVALID_SIGNATURE');
  });

  it('refuses when the witness script does not hash to the coin (WITNESS_SCRIPT_MISMATCH)', () => {
    const built = buildUnsignedPsbt(request());
    const other = deriveAddress(w.wallet.origins, 'regtest', 0, 9);
    const tampered = mutatePsbt(built.psbtBase64, (tx) => tx.updateInput(0, { witnessScript: hex.decode(other.witnessScript) }, true));
    expectBitcoinError(() => finalizeAndExtract(tampered), 'WITNESS_SCRIPT_MISMATCH');
  });
});

describe('key hygiene', () => {
  it('HDKey.wipePrivateData zeroes the bytes we rely on it to zero', () => {
    const key = HDKey.fromMasterSeed(new Uint8Array(32).fill(1));
    const internal = (key as unknown as { _privateKey: Uint8Array })._privateKey;
    key.wipePrivateData();
    expect(internal.every((b) => b === 0)).toBe(true);
  });

  it('OutScript decodes the wallet witness script as 2-of-3 multisig', () => {
    const script = OutScript.decode(hex.decode(deriveAddress(w.wallet.origins, 'regtest', 0, 0).witnessScript));
    expect(script).toMatchObject({ type: 'ms', m: 2 });
  });
});
