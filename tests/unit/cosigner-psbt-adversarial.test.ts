/**
 * The co-signer's gate (server/cosigner/verify-psbt.ts) against a hostile client: each test takes
 * a PSBT that Key #3 would sign, changes one thing a compromised browser or server could change,
 * and expects cosignPsbt (verify → withBitcoinMaster → checked per-input signing, with a real
 * software-keystore CoSigner) to refuse with that reason's own code. A control test shows the
 * untouched PSBT is signed, so every refusal below is caused by its one change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '@scure/base';
import { Address, OutScript, Script, SigHash, p2ms, p2wsh } from '@scure/btc-signer';
import { deriveAddress } from '@/lib/crypto/address';
import { decodeExtendedKey } from '@/lib/crypto/keys';
import { networkParams, type BitcoinNetwork } from '@/lib/crypto/networks';
import { describePsbt, finalizeAndExtract, signPsbtWithKey, type PsbtWallet } from '@/lib/crypto/psbt';
import { buildUnsignedPsbt, type BuildPsbtRequest, type UnsignedPsbt } from '@/server/bitcoin/build-psbt';
import {
  cosignPsbt,
  isCosignRefusedError,
  verifyPsbtForCosigning,
  type ApprovedSpend,
  type CosignRefusalCode,
  type ExpectedUtxo,
} from '@/server/cosigner/verify-psbt';
import { coinAt, makeTestWallet, mutatePsbt, openTestCoSigner, rebuildPsbt, seedOf, type CoSignerHandle, type TestWallet } from '../helpers/psbt-fixtures';

const TIP = 500;
const PAY_A = 120_000n;
const PAY_B = 30_000n;

let handle: CoSignerHandle;
let w: TestWallet;
let other: TestWallet;

beforeAll(async () => {
  handle = await openTestCoSigner();
  w = await makeTestWallet(handle.cosigner);
  other = await makeTestWallet(handle.cosigner, 'regtest', 'attacker');
});

afterAll(async () => {
  await handle?.close();
});

function addressOf(network: BitcoinNetwork, byte: number): string {
  return Address(networkParams(network).btcSigner).encode({ type: 'wpkh', hash: new Uint8Array(20).fill(byte) });
}

function scriptOf(address: string, network: BitcoinNetwork = 'regtest'): Uint8Array {
  return OutScript.encode(Address(networkParams(network).btcSigner).decode(address));
}

const DEST_A = () => addressOf('regtest', 0xa1);
const DEST_B = () => addressOf('regtest', 0xb2);
const ATTACKER = () => addressOf('regtest', 0xee);

function build(overrides: Partial<BuildPsbtRequest> = {}): UnsignedPsbt {
  return buildUnsignedPsbt({
    wallet: w.wallet,
    utxos: [coinAt(w.wallet, 0, 0, 100_000n), coinAt(w.wallet, 0, 1, 70_000n), coinAt(w.wallet, 1, 0, 25_000n)],
    outputs: [
      { address: DEST_A(), valueSats: PAY_A },
      { address: DEST_B(), valueSats: PAY_B },
    ],
    feeRateSatVb: 2,
    change: { index: 3 },
    rbf: true,
    tipHeight: TIP,
    ...overrides,
  });
}

function approvalOf(built: UnsignedPsbt, overrides: Partial<ApprovedSpend> = {}): ApprovedSpend {
  return { outputs: built.outputs, feeCapSats: built.feeSats, network: 'regtest', ...overrides };
}

interface Attempt {
  readonly psbt?: string;
  readonly approved?: ApprovedSpend;
  readonly utxos?: readonly ExpectedUtxo[];
  readonly tipHeight?: number;
  readonly wallet?: PsbtWallet;
  readonly wrapped?: string;
}

/** cosignPsbt on `built` (unsigned, or as changed by `attempt`); resolves to the refusal code. */
async function refusal(built: UnsignedPsbt, attempt: Attempt = {}): Promise<string> {
  const error = await cosignPsbt(
    handle.cosigner,
    attempt.wrapped ?? w.cosignerWrapped,
    attempt.psbt ?? built.psbtBase64,
    attempt.approved ?? approvalOf(built),
    attempt.wallet ?? w.wallet,
    attempt.utxos ?? built.selectedUtxos,
    attempt.tipHeight ?? TIP,
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCosignRefusedError(error), `expected a CosignRefusedError, got ${String(error)}`).toBe(true);
  return (error as { code: CosignRefusalCode }).code;
}

function changeIndexIn(built: UnsignedPsbt): number {
  return describePsbt(built.psbtBase64, w.wallet).outputs.findIndex((o) => o.isChange);
}

function paymentIndexIn(built: UnsignedPsbt, address: string): number {
  return describePsbt(built.psbtBase64, w.wallet).outputs.findIndex((o) => o.address === address);
}

/** BIP32 derivations claiming our three keys at branch/index, but stating `pubkeys` (forgery helper). */
function ourDerivations(wallet: PsbtWallet, branch: number, index: number, pubkeys?: readonly Uint8Array[]) {
  return wallet.origins.map((origin, role) => {
    const account = decodeExtendedKey(origin.xpub, wallet.network, 'public');
    const pubkey = pubkeys?.[role] ?? account.deriveChild(branch).deriveChild(index).publicKey!;
    const path = [...origin.path.split('/').slice(1).map((s) => Number.parseInt(s, 10) + 0x80000000), branch, index];
    return [pubkey, { fingerprint: Number.parseInt(origin.fingerprint, 16), path }] as [Uint8Array, { fingerprint: number; path: number[] }];
  });
}

/** Replaces output `idx` wholesale (updateOutput merges derivation maps instead of replacing them). */
function replaceOutput(psbt: string, idx: number, output: { script: Uint8Array; amount: bigint; bip32Derivation?: unknown; witnessScript?: Uint8Array }): string {
  return mutatePsbt(psbt, (tx) => {
    (tx as unknown as { outputs: unknown[] }).outputs[idx] = output;
  });
}

describe('control', () => {
  it('signs the untouched PSBT (user signature first or not), and the result finalizes', async () => {
    const built = build();
    const expected = verifyPsbtForCosigning(built.psbtBase64, approvalOf(built), w.wallet, { tipHeight: TIP, utxos: built.selectedUtxos });
    expect(expected.change).toEqual({ index: 3, valueSats: built.changeOutput!.valueSats });
    const userSigned = signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet);
    const cosigned = await cosignPsbt(handle.cosigner, w.cosignerWrapped, userSigned, approvalOf(built), w.wallet, built.selectedUtxos, TIP);
    expect(finalizeAndExtract(cosigned).txHex).toMatch(/^02000000/);
    await expect(cosignPsbt(handle.cosigner, w.cosignerWrapped, built.psbtBase64, approvalOf(built), w.wallet, built.selectedUtxos, TIP)).resolves.toBeTypeOf('string');
  });
});

describe('outputs must be exactly the approved outputs', () => {
  it('refuses an extra output, paid from the change so the fee stays the same (EXTRA_OUTPUT)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => {
      tx.updateOutput(idx, { amount: built.changeOutput!.valueSats - 1_000n });
      tx.addOutput({ script: scriptOf(ATTACKER()), amount: 1_000n });
    });
    expect(await refusal(built, { psbt })).toBe('EXTRA_OUTPUT');
  });

  it('refuses a missing output (MISSING_OUTPUT)', async () => {
    const built = build({ outputs: [{ address: DEST_A(), valueSats: PAY_A }] });
    const approved = approvalOf(built, { outputs: [...built.outputs, { address: DEST_B(), valueSats: PAY_B }] });
    expect(await refusal(built, { approved })).toBe('MISSING_OUTPUT');
  });

  it('refuses an amount changed by +1 sat (AMOUNT_MISMATCH)', async () => {
    const built = build();
    const idx = paymentIndexIn(built, DEST_A());
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateOutput(idx, { amount: PAY_A + 1n }));
    expect(await refusal(built, { psbt })).toBe('AMOUNT_MISMATCH');
  });

  it('refuses a changed destination (DESTINATION_MISMATCH)', async () => {
    const built = build();
    const idx = paymentIndexIn(built, DEST_B());
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateOutput(idx, { script: scriptOf(ATTACKER()) }));
    expect(await refusal(built, { psbt })).toBe('DESTINATION_MISMATCH');
  });

  it('refuses payments in another order than approved (DESTINATION_MISMATCH)', async () => {
    const built = build();
    const approved = approvalOf(built, { outputs: [...built.outputs].reverse() });
    expect(await refusal(built, { approved })).toBe('DESTINATION_MISMATCH');
  });

  it('refuses an OP_RETURN output (OP_RETURN_OUTPUT)', async () => {
    const built = build();
    const opReturn = Script.encode(['RETURN', new TextEncoder().encode('keystead')]);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.addOutput({ script: opReturn, amount: 0n }));
    expect(await refusal(built, { psbt })).toBe('OP_RETURN_OUTPUT');
  });

  it('refuses a dust output (DUST_OUTPUT)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateOutput(idx, { amount: 329n }));
    expect(await refusal(built, { psbt, approved: approvalOf(built, { feeCapSats: 100_000n }) })).toBe('DUST_OUTPUT');
  });
});

describe('fee', () => {
  it('refuses a fee over the approved cap, by 1 sat (FEE_OVER_CAP)', async () => {
    const built = build();
    expect(await refusal(built, { approved: approvalOf(built, { feeCapSats: built.feeSats - 1n }) })).toBe('FEE_OVER_CAP');
  });

  it('refuses a fee raised by shrinking the change (FEE_OVER_CAP)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateOutput(idx, { amount: built.changeOutput!.valueSats - 5_000n }));
    expect(await refusal(built, { psbt })).toBe('FEE_OVER_CAP');
  });
});

describe('change must be the wallet’s own, recomputed from its xpubs', () => {
  it('refuses change claiming the right path but paying another script (CHANGE_NOT_OURS)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateOutput(idx, { script: scriptOf(ATTACKER()) }));
    expect(await refusal(built, { psbt })).toBe('CHANGE_NOT_OURS');
  });

  it('refuses change claimed on the receive branch 0, even though that address is ours (CHANGE_WRONG_BRANCH)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const receive = deriveAddress(w.wallet.origins, 'regtest', 0, 3);
    const psbt = replaceOutput(built.psbtBase64, idx, {
      script: hex.decode(receive.scriptPubKey),
      amount: built.changeOutput!.valueSats,
      witnessScript: hex.decode(receive.witnessScript),
      bip32Derivation: ourDerivations(w.wallet, 0, 3),
    });
    expect(await refusal(built, { psbt })).toBe('CHANGE_WRONG_BRANCH');
  });

  it('refuses a forged, self-consistent derivation: our fingerprints and path, attacker keys and script (CHANGE_NOT_OURS)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const attackerKeys = deriveAddress(other.wallet.origins, 'regtest', 1, 3).pubkeys.map((p) => hex.decode(p));
    const attackerScript = p2ms(2, attackerKeys);
    const psbt = replaceOutput(built.psbtBase64, idx, {
      script: p2wsh(attackerScript).script,
      amount: built.changeOutput!.valueSats,
      witnessScript: attackerScript.script,
      bip32Derivation: ourDerivations(w.wallet, 1, 3, attackerKeys),
    });
    expect(await refusal(built, { psbt })).toBe('CHANGE_NOT_OURS');
  });

  it('refuses change whose derivation names another index than its script (CHANGE_NOT_OURS)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const change = deriveAddress(w.wallet.origins, 'regtest', 1, 3);
    const psbt = replaceOutput(built.psbtBase64, idx, {
      script: hex.decode(change.scriptPubKey),
      amount: built.changeOutput!.valueSats,
      bip32Derivation: ourDerivations(w.wallet, 1, 4),
    });
    expect(await refusal(built, { psbt })).toBe('CHANGE_NOT_OURS');
  });

  it('refuses two change outputs (MULTIPLE_CHANGE_OUTPUTS)', async () => {
    const built = build();
    const second = deriveAddress(w.wallet.origins, 'regtest', 1, 4);
    const idx = changeIndexIn(built);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => {
      tx.updateOutput(idx, { amount: built.changeOutput!.valueSats - 1_000n });
      tx.addOutput({ script: hex.decode(second.scriptPubKey), amount: 1_000n, bip32Derivation: ourDerivations(w.wallet, 1, 4) });
    });
    expect(await refusal(built, { psbt })).toBe('MULTIPLE_CHANGE_OUTPUTS');
  });
});

describe('inputs must be the wallet’s own coins, exactly the expected ones', () => {
  it('refuses an input of another wallet (INPUT_NOT_OURS)', async () => {
    const built = build();
    const foreign = deriveAddress(other.wallet.origins, 'regtest', 0, 0);
    const psbt = mutatePsbt(built.psbtBase64, (tx) =>
      tx.addInput({
        txid: seedOf('foreign coin'),
        index: 0,
        sequence: 0xfffffffd,
        witnessUtxo: { script: hex.decode(foreign.scriptPubKey), amount: 50_000n },
        witnessScript: hex.decode(foreign.witnessScript),
        bip32Derivation: ourDerivations(other.wallet, 0, 0),
      }),
    );
    expect(await refusal(built, { psbt })).toBe('INPUT_NOT_OURS');
  });

  it('refuses an input claiming our path but spending another script (INPUT_NOT_OURS)', async () => {
    const built = build();
    const foreign = deriveAddress(other.wallet.origins, 'regtest', 0, 0);
    const psbt = mutatePsbt(built.psbtBase64, (tx) =>
      tx.updateInput(0, { witnessUtxo: { script: hex.decode(foreign.scriptPubKey), amount: built.selectedUtxos[0]!.valueSats } }, true),
    );
    expect(await refusal(built, { psbt })).toBe('INPUT_NOT_OURS');
  });

  it('refuses an input whose witnessScript is not our script for its address (WITNESS_SCRIPT_MISMATCH)', async () => {
    const built = build();
    const elsewhere = deriveAddress(w.wallet.origins, 'regtest', 0, 7);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateInput(1, { witnessScript: hex.decode(elsewhere.witnessScript) }, true));
    expect(await refusal(built, { psbt })).toBe('WITNESS_SCRIPT_MISMATCH');
  });

  it('refuses a witnessUtxo value that differs from our database (UTXO_MISMATCH)', async () => {
    const built = build();
    const first = built.selectedUtxos[0]!;
    const psbt = mutatePsbt(built.psbtBase64, (tx) =>
      tx.updateInput(0, { witnessUtxo: { script: hex.decode(first.scriptPubKey), amount: first.valueSats + 10_000n } }, true),
    );
    expect(await refusal(built, { psbt, approved: approvalOf(built, { feeCapSats: 1_000_000n }) })).toBe('UTXO_MISMATCH');
  });

  it('refuses inputs that are not the expected coin set (UTXO_MISMATCH)', async () => {
    const built = build();
    expect(await refusal(built, { utxos: built.selectedUtxos.slice(1) })).toBe('UTXO_MISMATCH');
    expect(await refusal(built, { utxos: [...built.selectedUtxos.slice(1), coinAt(w.wallet, 0, 9, 100_000n)] })).toBe('UTXO_MISMATCH');
  });

  it('refuses the same coin spent twice (DUPLICATE_INPUT)', async () => {
    const built = build();
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.addInput(tx.getInput(0)));
    expect(await refusal(built, { psbt })).toBe('DUPLICATE_INPUT');
  });

  it('refuses outputs worth more than the inputs (FEE_NEGATIVE)', async () => {
    const built = build();
    const idx = changeIndexIn(built);
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateOutput(idx, { amount: built.changeOutput!.valueSats + built.feeSats + 1n }));
    expect(await refusal(built, { psbt })).toBe('FEE_NEGATIVE');
  });

  it('refuses an input without a witness UTXO (MISSING_WITNESS_UTXO)', async () => {
    const built = build();
    const psbt = mutatePsbt(built.psbtBase64, (tx) => {
      delete (tx as unknown as { inputs: { witnessUtxo?: unknown }[] }).inputs[0]!.witnessUtxo;
    });
    expect(await refusal(built, { psbt })).toBe('MISSING_WITNESS_UTXO');
  });
});

describe('signature and transaction policy', () => {
  it.each([
    ['SIGHASH_NONE', SigHash.NONE],
    ['SIGHASH_SINGLE', SigHash.SINGLE],
    ['SIGHASH_ALL|ANYONECANPAY', SigHash.ALL_ANYONECANPAY],
  ])('refuses an input requesting %s (SIGHASH_NOT_ALL)', async (_name, sighashType) => {
    const built = build();
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateInput(0, { sighashType }));
    expect(await refusal(built, { psbt })).toBe('SIGHASH_NOT_ALL');
  });

  it('refuses a locktime above the tip (LOCKTIME_IN_FUTURE)', async () => {
    const built = build({ tipHeight: TIP + 1 });
    expect(await refusal(built, { tipHeight: TIP })).toBe('LOCKTIME_IN_FUTURE');
  });

  it('refuses a timestamp locktime (LOCKTIME_NOT_HEIGHT)', async () => {
    const built = build();
    expect(await refusal(built, { psbt: rebuildPsbt(built.psbtBase64, { lockTime: 1_700_000_000 }) })).toBe('LOCKTIME_NOT_HEIGHT');
  });

  it('refuses version 1 (VERSION_NOT_2)', async () => {
    const built = build();
    expect(await refusal(built, { psbt: rebuildPsbt(built.psbtBase64, { version: 1 }) })).toBe('VERSION_NOT_2');
  });

  it('refuses a final (non-RBF) nSequence on one input (SEQUENCE_NOT_RBF)', async () => {
    const built = build();
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateInput(1, { sequence: 0xffffffff }));
    expect(await refusal(built, { psbt })).toBe('SEQUENCE_NOT_RBF');
  });

  it('refuses a relative-locktime nSequence (SEQUENCE_NOT_RBF)', async () => {
    const built = build();
    const psbt = mutatePsbt(built.psbtBase64, (tx) => tx.updateInput(0, { sequence: 144 }));
    expect(await refusal(built, { psbt })).toBe('SEQUENCE_NOT_RBF');
  });

  it('refuses a user signature that does not verify (INVALID_SIGNATURE)', async () => {
    const built = build();
    const userSigned = signPsbtWithKey(built.psbtBase64, w.userXprv, 'user', w.wallet);
    const psbt = mutatePsbt(userSigned, (tx) => {
      const sig = (tx as unknown as { inputs: { partialSig: [Uint8Array, Uint8Array][] }[] }).inputs[0]!.partialSig[0]![1];
      sig[12] = sig[12]! ^ 0xff;
    });
    expect(await refusal(built, { psbt })).toBe('INVALID_SIGNATURE');
  });

  it('refuses garbage (PSBT_MALFORMED)', async () => {
    const built = build();
    expect(await refusal(built, { psbt: 'cHNidP8BAAo=' })).toBe('PSBT_MALFORMED');
  });
});

describe('networks and keys', () => {
  it('refuses an approval naming another network’s address (WRONG_NETWORK)', async () => {
    const built = build();
    const testnetTwin = Address(networkParams('testnet').btcSigner).encode(Address(networkParams('regtest').btcSigner).decode(DEST_A()));
    const approved = approvalOf(built, { outputs: [{ address: testnetTwin, valueSats: PAY_A }, built.outputs[1]!] });
    expect(await refusal(built, { approved })).toBe('WRONG_NETWORK');
  });

  it('refuses a PSBT of the same keys on mainnet (its paths are not the regtest wallet’s: INPUT_NOT_OURS)', async () => {
    const mainnet = await makeTestWallet(handle.cosigner, 'mainnet');
    const mainnetBuilt = buildUnsignedPsbt({
      wallet: mainnet.wallet,
      utxos: [coinAt(mainnet.wallet, 0, 0, 100_000n), coinAt(mainnet.wallet, 0, 1, 70_000n)],
      outputs: [{ address: addressOf('mainnet', 0xa1), valueSats: PAY_A }],
      feeRateSatVb: 2,
      change: { index: 0 },
      rbf: true,
    });
    const approved: ApprovedSpend = { outputs: [{ address: DEST_A(), valueSats: PAY_A }], feeCapSats: 100_000n, network: 'regtest' };
    const built = build();
    expect(await refusal(built, { psbt: mainnetBuilt.psbtBase64, approved, utxos: mainnetBuilt.selectedUtxos })).toBe('INPUT_NOT_OURS');
  });

  it('refuses an approval for another network than the wallet (NETWORK_MISMATCH)', async () => {
    const built = build();
    expect(await refusal(built, { approved: approvalOf(built, { network: 'testnet' }) })).toBe('NETWORK_MISMATCH');
  });

  it('refuses to sign with another wallet’s Key #3 (KEY_NOT_IN_WALLET)', async () => {
    const built = build();
    expect(await refusal(built, { wrapped: other.cosignerWrapped })).toBe('KEY_NOT_IN_WALLET');
  });
});
