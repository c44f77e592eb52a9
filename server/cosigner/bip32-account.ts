/**
 * Key #3 as a BIP32 wallet (BIP32 master from seed; BIP48 multisig account, script type 2' =
 * native segwit P2WSH: m/48'/coin'/0'/2', coin 0' on mainnet and 1' on testnet/regtest per
 * SLIP-44). Extended keys use the plain BIP32 version bytes (xpub/tpub), as descriptors expect.
 *
 * Wiping here is best effort: JavaScript cannot promise that no copy of a secret survives in the
 * heap, but every buffer we own is zeroed as soon as it is no longer needed.
 */
import { HDKey, type Versions } from '@scure/bip32';
import { CoSignerError } from './errors';
import { bytesEqual } from './codec';
import type { BitcoinNetwork, KeyOrigin } from './types';

const MAINNET: Versions = { private: 0x0488ade4, public: 0x0488b21e };
const TESTNET: Versions = { private: 0x04358394, public: 0x043587cf };

export const BIP32_VERSIONS: Readonly<Record<BitcoinNetwork, Versions>> = { mainnet: MAINNET, testnet: TESTNET, regtest: TESTNET };
const SLIP44_COIN: Readonly<Record<BitcoinNetwork, number>> = { mainnet: 0, testnet: 1, regtest: 1 };

export function accountPath(network: BitcoinNetwork): string {
  return `m/48'/${SLIP44_COIN[network]}'/0'/2'`;
}

/** Origin of the BIP48 account key. Leaves `master` intact; wipes the derived account key. */
export function accountOrigin(master: HDKey, network: BitcoinNetwork): KeyOrigin {
  const path = accountPath(network);
  const account = master.derive(path);
  try {
    return { fingerprint: master.fingerprint.toString(16).padStart(8, '0'), path, xpub: account.publicExtendedKey };
  } finally {
    account.wipePrivateData();
  }
}

/** Runs `fn` with the master derived from `seed`; zeroes the seed at once and the master after. */
export async function withMasterFromSeed<T>(
  seed: Buffer,
  network: BitcoinNetwork,
  fn: (master: HDKey) => Promise<T> | T,
): Promise<T> {
  let master: HDKey;
  try {
    master = HDKey.fromMasterSeed(seed, BIP32_VERSIONS[network]);
  } finally {
    seed.fill(0);
  }
  try {
    return await fn(master);
  } finally {
    master.wipePrivateData();
  }
}

/** BIP32 test vector 1 (seed 000102…0f), chain m/0'. Fails loudly if the BIP32 library misbehaves. */
export function bip32KnownAnswerTest(): void {
  const seed = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const master = HDKey.fromMasterSeed(seed, MAINNET);
  const child = master.derive("m/0'");
  const expected =
    'xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw';
  const ok = bytesEqual(Buffer.from(child.publicExtendedKey), Buffer.from(expected)) && master.fingerprint === 0x3442193e;
  child.wipePrivateData();
  master.wipePrivateData();
  if (!ok) throw new CoSignerError('SELF_TEST_FAILED', 'BIP32 test vector 1 (m/0\') did not match.');
}
