/**
 * Wallet addresses (lib/crypto/address.ts: BIP32 public derivation, BIP67 sorting, BIP141 P2WSH
 * 2-of-3, BIP173 bech32) against independent implementations:
 * - bitcoinjs-lib payments.p2ms / p2wsh with keys derived by the `bip32` package over
 *   @bitcoinerlab/secp256k1 (initEccLib), sorted here with Buffer.compare;
 * - @bitcoinerlab/descriptors reading the wallet descriptor string (so descriptor and addresses agree).
 * Receive and change, indexes 0..20, on regtest (bcrt1…), testnet (tb1…) and mainnet (bc1…),
 * plus known answers from fixed xpubs so a regression in any of the three is caught.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { BIP32Factory } from 'bip32';
import { DescriptorsFactory } from '@bitcoinerlab/descriptors';
import { hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  BITCOIN_NETWORKS,
  deriveAddress,
  deriveAddresses,
  parseKeyOrigin,
  walletDescriptor,
  walletKeyFromSeed,
  type AddressBranch,
  type BitcoinNetwork,
  type CryptoErrorCode,
  type KeyOrigin,
} from '@/lib/crypto';

const BITCOINJS_NETWORK: Record<BitcoinNetwork, bitcoin.Network> = {
  mainnet: bitcoin.networks.bitcoin,
  testnet: bitcoin.networks.testnet,
  regtest: bitcoin.networks.regtest,
};
const HRP: Record<BitcoinNetwork, string> = { mainnet: 'bc1q', testnet: 'tb1q', regtest: 'bcrt1q' };
const INDEXES = Array.from({ length: 21 }, (_, i) => i);
const BRANCHES: AddressBranch[] = [0, 1];

const bip32 = BIP32Factory(ecc);
beforeAll(() => bitcoin.initEccLib(ecc));

function origins(network: BitcoinNetwork): [KeyOrigin, KeyOrigin, KeyOrigin] {
  const origin = (label: string) => walletKeyFromSeed(sha256(new TextEncoder().encode(label)), network).origin;
  return [origin('keystead user'), origin('keystead backup'), origin('keystead cosigner')];
}

/** The second implementation: bip32 + bitcoinjs-lib only. */
function bitcoinjsAddress(keys: readonly KeyOrigin[], network: BitcoinNetwork, branch: number, index: number) {
  const net = BITCOINJS_NETWORK[network];
  const pubkeys = keys
    .map((k) => Buffer.from(bip32.fromBase58(k.xpub, net).derive(branch).derive(index).publicKey))
    .sort(Buffer.compare);
  const redeem = bitcoin.payments.p2ms({ m: 2, pubkeys, network: net });
  const wsh = bitcoin.payments.p2wsh({ redeem, network: net });
  return { address: wsh.address, witnessScript: hex.encode(redeem.output!), scriptPubKey: hex.encode(wsh.output!), pubkeys: pubkeys.map((p) => p.toString('hex')) };
}

function expectCode(fn: () => unknown, code: CryptoErrorCode): void {
  expect(fn).toThrowError(expect.objectContaining({ name: 'CryptoError', code }));
}

describe('deriveAddress = bitcoinjs-lib (bip32 + payments.p2ms/p2wsh)', () => {
  for (const network of BITCOIN_NETWORKS) {
    for (const branch of BRANCHES) {
      it(`${network}, ${branch === 0 ? 'receive' : 'change'} ${branch}/0..20`, () => {
        const keys = origins(network);
        for (const index of INDEXES) {
          const mine = deriveAddress(keys, network, branch, index);
          expect(mine.address.startsWith(HRP[network])).toBe(true);
          expect({ address: mine.address, witnessScript: mine.witnessScript, scriptPubKey: mine.scriptPubKey, pubkeys: mine.pubkeys }).toEqual(
            bitcoinjsAddress(keys, network, branch, index),
          );
          expect({ branch: mine.branch, index: mine.index }).toEqual({ branch, index });
        }
      });
    }
  }

  it('key order does not change the address (sortedmulti, BIP67)', () => {
    const [a, b, c] = origins('regtest');
    const address = deriveAddress([a, b, c], 'regtest', 0, 7).address;
    expect(deriveAddress([c, a, b], 'regtest', 0, 7).address).toBe(address);
    expect(deriveAddress([b, c, a], 'regtest', 0, 7).address).toBe(address);
  });

  it('the witness script is OP_2 <3 sorted keys> OP_3 OP_CHECKMULTISIG', () => {
    const { witnessScript, pubkeys } = deriveAddress(origins('regtest'), 'regtest', 1, 3);
    expect(witnessScript).toBe(`52${pubkeys.map((p) => `21${p}`).join('')}53ae`);
    expect([...pubkeys].sort()).toEqual(pubkeys);
  });
});

describe('deriveAddress = @bitcoinerlab/descriptors reading walletDescriptor()', () => {
  const { Output } = DescriptorsFactory(ecc);

  for (const network of BITCOIN_NETWORKS) {
    it(`${network}: receive and change, indexes 0..20`, () => {
      const keys = origins(network);
      const descriptor = walletDescriptor(keys, network);
      for (const change of BRANCHES) {
        for (const index of INDEXES) {
          const theirs = new Output({ descriptor, index, change, network: BITCOINJS_NETWORK[network] }).getAddress();
          expect(deriveAddress(keys, network, change, index).address).toBe(theirs);
        }
      }
    });
  }
});

describe('known answers from fixed xpubs', () => {
  // Origins of walletKeyFromSeed(sha256('keystead user' | 'keystead backup' | 'keystead cosigner')).
  // The addresses below also come out of bitcoinjs-lib and @bitcoinerlab/descriptors (tests above).
  const FIXED = {
    mainnet: [
      { fingerprint: '6c4b7b7d', path: "m/48'/0'/0'/2'", xpub: 'xpub6DzAYfdNog6LyUk2yjepQjEXFbUnwseEwsqEKH5LC4ADN9seJ6zy4yJJiR7J9foJKHEjb4kXveEg4CmmHbYsq9nmacmfecuxmHPAn1ikm7X' },
      { fingerprint: '9df189a8', path: "m/48'/0'/0'/2'", xpub: 'xpub6EkkLhdnYFMRMf4QNSU1yUtLXHLckRRH5RnYE8xgcJNs9aHm5TJ641sKkoP9aqRWCjscJEm5taSFJbSjXQDwqEjXUhF8CDkRdWE61FP1hVP' },
      { fingerprint: 'ca9707d9', path: "m/48'/0'/0'/2'", xpub: 'xpub6EbYRkQ4wv7FF2igRjojtN4qNvjRZTjLGNiRvmUiLQZv63crQw5bQVVPVccnfeLjhMLcSxbVUevDTmELUVajY13MzPkZHWUhysPmCX71L6S' },
    ],
    test: [
      { fingerprint: '6c4b7b7d', path: "m/48'/1'/0'/2'", xpub: 'tpubDFdV8FbUpkAZGGUYWHqEUJ75jxyt3z2n5tyy4J7dnnWWcnZmQBDETfRXCJ293ktd5FsDipUKmt7wMcN8poffSpe9WABUTn6cimMqFiTxeED' },
      { fingerprint: '9df189a8', path: "m/48'/1'/0'/2'", xpub: 'tpubDE2uKTWZuvbn14Ef5UoSh5vEgAE9DkEo8QAMe2VSkiUGWvuks2dHXWPL6c6ojRJnzVyxwJvmNPJepmAY2X6EAbtXMeVBioNkx8fxniRPk6B' },
      { fingerprint: 'ca9707d9', path: "m/48'/1'/0'/2'", xpub: 'tpubDFcrDp9f7a2ie1WtGofxMKGaEQMXmGZuNvyBPU9rQCfhbk4bLBNNVhg3ssB9Hkpp4fEzB5wzmcXNbr2q1PN3qMH8YyJF2R7rP5L8AzCWeAw' },
    ],
  };
  const parsed = (list: readonly object[], network: BitcoinNetwork) =>
    list.map((o) => parseKeyOrigin(o, network)) as unknown as [KeyOrigin, KeyOrigin, KeyOrigin];

  it('the fixed origins are what walletKeyFromSeed produces', () => {
    expect(origins('mainnet')).toEqual(FIXED.mainnet);
    expect(origins('testnet')).toEqual(FIXED.test);
  });

  it.each<[BitcoinNetwork, AddressBranch, number, string]>([
    ['mainnet', 0, 0, 'bc1qlq4xmq7c833954nl2uf7xv5nd8rtpk8ywzzszg06xgrjjt7ggs0qkl9wmu'],
    ['mainnet', 1, 5, 'bc1qh4a5zaax23fd3v76sqhw3nehzlnsl2n586629u4lhpq8c2h3e3sq5p59tp'],
    ['testnet', 0, 0, 'tb1qt9mqw4gnew3ehfz7vk8tqnqylsge9f4nzd4wrrdqt2my9t897xus423wym'],
    ['testnet', 1, 5, 'tb1qxusfd87ps2qdxr42jjrgfk2uau8ts0s95tmg2cvz3cwqw7rn5ces23zals'],
    ['regtest', 0, 0, 'bcrt1qt9mqw4gnew3ehfz7vk8tqnqylsge9f4nzd4wrrdqt2my9t897xuscnmg3p'],
  ])('%s %i/%i = %s', (network, branch, index, expected) => {
    const keys = parsed(network === 'mainnet' ? FIXED.mainnet : FIXED.test, network);
    expect(deriveAddress(keys, network, branch, index).address).toBe(expected);
    expect(bitcoinjsAddress(keys, network, branch, index).address).toBe(expected);
  });
});

describe('deriveAddresses', () => {
  it('equals deriveAddress index by index', () => {
    const keys = origins('regtest');
    const batch = deriveAddresses(keys, 'regtest', 1, 5, 10);
    expect(batch.map((a) => a.index)).toEqual(Array.from({ length: 10 }, (_, i) => 5 + i));
    batch.forEach((a) => expect(a).toEqual(deriveAddress(keys, 'regtest', 1, a.index)));
  });

  it('rejects counts and ranges outside 1..1000 and 0..2^31-1', () => {
    const keys = origins('regtest');
    expect(() => deriveAddresses(keys, 'regtest', 0, 0, 0)).toThrow(RangeError);
    expect(() => deriveAddresses(keys, 'regtest', 0, 0, 1001)).toThrow(RangeError);
    expect(() => deriveAddresses(keys, 'regtest', 0, 2 ** 31 - 5, 10)).toThrow(RangeError);
    expect(deriveAddresses(keys, 'regtest', 0, 2 ** 31 - 2, 2)).toHaveLength(2);
  });
});

describe('deriveAddress rejects', () => {
  const keys = origins('regtest');

  it.each([-1, 1.5, 2 ** 31, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('index %d (RangeError)', (index) => {
    expect(() => deriveAddress(keys, 'regtest', 0, index)).toThrow(RangeError);
  });

  it('a branch other than 0 or 1 (RangeError)', () => {
    expect(() => deriveAddress(keys, 'regtest', 2 as AddressBranch, 0)).toThrow(RangeError);
  });

  it('duplicate keys and keys of another network', () => {
    expectCode(() => deriveAddress([keys[0], keys[1], keys[0]], 'regtest', 0, 0), 'DUPLICATE_KEY');
    expectCode(() => deriveAddress(keys, 'mainnet', 0, 0), 'NETWORK_MISMATCH');
  });
});
