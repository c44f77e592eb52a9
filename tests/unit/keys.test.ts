/**
 * lib/crypto/keys.ts: Key #1 / Key #2 generation (BIP32 master from 32 random bytes, BIP48
 * P2WSH account m/48'/coin'/0'/2'), the BIP32 fingerprint, and KeyOrigin parsing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HDKey } from '@scure/bip32';
import { hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import {
  BITCOIN_NETWORKS,
  bip48AccountPath,
  generateWalletKey,
  networkParams,
  originFromMasterXprv,
  parseKeyOrigin,
  walletKeyFromSeed,
  type BitcoinNetwork,
  type CryptoErrorCode,
} from '@/lib/crypto';

const EXPECTED = {
  mainnet: { xprv: 'xprv', xpub: 'xpub', path: "m/48'/0'/0'/2'" },
  testnet: { xprv: 'tprv', xpub: 'tpub', path: "m/48'/1'/0'/2'" },
  regtest: { xprv: 'tprv', xpub: 'tpub', path: "m/48'/1'/0'/2'" },
} as const;

const SEED = sha256(new TextEncoder().encode('keystead keys.test seed'));

function expectCode(fn: () => unknown, code: CryptoErrorCode): void {
  expect(fn).toThrowError(expect.objectContaining({ name: 'CryptoError', code }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateWalletKey', () => {
  for (const network of BITCOIN_NETWORKS) {
    describe(network, () => {
      const key = generateWalletKey(network);
      const versions = networkParams(network).bip32;

      it('serializes with the network version bytes', () => {
        expect(key.masterXprv.startsWith(EXPECTED[network].xprv)).toBe(true);
        expect(key.origin.xpub.startsWith(EXPECTED[network].xpub)).toBe(true);
        expect(HDKey.fromExtendedKey(key.masterXprv, versions).depth).toBe(0);
      });

      it("uses the BIP48 P2WSH account path m/48'/coin'/0'/2'", () => {
        expect(key.origin.path).toBe(EXPECTED[network].path);
        expect(bip48AccountPath(network)).toBe(EXPECTED[network].path);
        const account = HDKey.fromExtendedKey(key.origin.xpub, versions);
        expect(account.depth).toBe(4);
        expect(account.index).toBe(0x80000002);
        expect(account.privateKey).toBeNull();
      });

      it('account xpub = master xprv derived at the path', () => {
        const master = HDKey.fromExtendedKey(key.masterXprv, versions);
        expect(master.derive(key.origin.path).publicExtendedKey).toBe(key.origin.xpub);
      });

      it('fingerprint = first 4 bytes of HASH160 of the master public key', () => {
        const master = HDKey.fromExtendedKey(key.masterXprv, versions);
        expect(key.origin.fingerprint).toBe(hex.encode(ripemd160(sha256(master.publicKey!)).slice(0, 4)));
        expect(key.origin.fingerprint).toMatch(/^[0-9a-f]{8}$/);
      });

      it('originFromMasterXprv re-derives the same origin (recovery)', () => {
        expect(originFromMasterXprv(key.masterXprv, network)).toEqual(key.origin);
      });

      it('the origin survives JSON and parseKeyOrigin unchanged, and is frozen', () => {
        expect(parseKeyOrigin(JSON.parse(JSON.stringify(key.origin)), network)).toEqual(key.origin);
        expect(Object.isFrozen(key.origin)).toBe(true);
      });
    });
  }

  it('two generations differ', () => {
    const a = generateWalletKey('regtest');
    const b = generateWalletKey('regtest');
    expect(a.masterXprv).not.toBe(b.masterXprv);
    expect(a.origin.xpub).not.toBe(b.origin.xpub);
    expect(a.origin.fingerprint).not.toBe(b.origin.fingerprint);
  });

  it('draws its 32 bytes of entropy from crypto.getRandomValues', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    generateWalletKey('testnet');
    expect(spy).toHaveBeenCalled();
    expect(spy.mock.calls.some(([array]) => (array as Uint8Array).length === 32)).toBe(true);
  });

  it('is deterministic in the seed (walletKeyFromSeed)', () => {
    expect(walletKeyFromSeed(SEED, 'testnet')).toEqual(walletKeyFromSeed(SEED, 'testnet'));
    expect(walletKeyFromSeed(SEED, 'testnet').origin.xpub).toBe(walletKeyFromSeed(SEED, 'regtest').origin.xpub);
  });
});

describe('parseKeyOrigin', () => {
  const { origin, masterXprv } = walletKeyFromSeed(SEED, 'testnet');
  const mainnetKey = walletKeyFromSeed(SEED, 'mainnet');
  const valid = { fingerprint: origin.fingerprint, path: origin.path, xpub: origin.xpub };

  it('accepts h as hardened marker and upper-case hex, and stores the canonical form', () => {
    const parsed = parseKeyOrigin({ ...valid, path: "m/48h/1h/0h/2h", fingerprint: valid.fingerprint.toUpperCase() }, 'testnet');
    expect(parsed).toEqual(valid);
  });

  it('ignores extra fields of the input (e.g. a database row) and keeps only the three', () => {
    expect(parseKeyOrigin({ ...valid, role: 'user', id: 7 }, 'regtest')).toEqual(valid);
  });

  it.each<[BitcoinNetwork, typeof valid]>([
    ['mainnet', valid],
    ['testnet', { fingerprint: mainnetKey.origin.fingerprint, path: mainnetKey.origin.path, xpub: mainnetKey.origin.xpub }],
    ['regtest', { fingerprint: mainnetKey.origin.fingerprint, path: mainnetKey.origin.path, xpub: mainnetKey.origin.xpub }],
  ])('rejects a key of another network (%s)', (network, input) => {
    expectCode(() => parseKeyOrigin(input, network), 'NETWORK_MISMATCH');
  });

  it('rejects a BIP48 path whose coin type belongs to another network', () => {
    const master = HDKey.fromExtendedKey(mainnetKey.masterXprv, networkParams('mainnet').bip32);
    const path = "m/48'/1'/0'/2'";
    const input = { fingerprint: mainnetKey.origin.fingerprint, path, xpub: master.derive(path).publicExtendedKey };
    expectCode(() => parseKeyOrigin(input, 'mainnet'), 'NETWORK_MISMATCH');
  });

  it.each(['', '1234567', '123456789', 'g1234567', ' 1234567', '0x123456'])('rejects fingerprint %j', (fingerprint) => {
    expectCode(() => parseKeyOrigin({ ...valid, fingerprint }, 'testnet'), 'INVALID_KEY_ORIGIN');
  });

  it('rejects a non-string fingerprint', () => {
    expectCode(() => parseKeyOrigin({ ...valid, fingerprint: 0x12345678 }, 'testnet'), 'INVALID_KEY_ORIGIN');
  });

  it.each(["48'/1'/0'/2'", "m/48''/1'/0'/2'", "m/048'/1'/0'/2'", "m/48H/1H/0H/2H", "m/48'/1'/0'/2'/", "m//48'", 'm/2147483648', "m/ 48'/1'/0'/2'", "M/48'/1'/0'/2'"])(
    'rejects path syntax %j',
    (path) => {
      expectCode(() => parseKeyOrigin({ ...valid, path }, 'testnet'), 'INVALID_KEY_ORIGIN');
    },
  );

  it('rejects a path whose length differs from the xpub depth', () => {
    expectCode(() => parseKeyOrigin({ ...valid, path: "m/48'/1'/0'" }, 'testnet'), 'INVALID_KEY_ORIGIN');
    expectCode(() => parseKeyOrigin({ ...valid, path: "m/48'/1'/0'/2'/0" }, 'testnet'), 'INVALID_KEY_ORIGIN');
  });

  it("rejects a path whose last step is not the xpub's child number", () => {
    expectCode(() => parseKeyOrigin({ ...valid, path: "m/48'/1'/0'/1'" }, 'testnet'), 'INVALID_KEY_ORIGIN');
    expectCode(() => parseKeyOrigin({ ...valid, path: "m/48'/1'/0'/2" }, 'testnet'), 'INVALID_KEY_ORIGIN');
  });

  it('checks the fingerprint against the key when the path is one step deep', () => {
    const master = HDKey.fromExtendedKey(masterXprv, networkParams('testnet').bip32);
    const child = master.derive("m/0'");
    expect(parseKeyOrigin({ fingerprint: valid.fingerprint, path: "m/0'", xpub: child.publicExtendedKey }, 'testnet').path).toBe("m/0'");
    expectCode(() => parseKeyOrigin({ fingerprint: 'deadbeef', path: "m/0'", xpub: child.publicExtendedKey }, 'testnet'), 'INVALID_KEY_ORIGIN');
  });

  it('refuses a private key in the xpub field, and says so', () => {
    expect(() => parseKeyOrigin({ ...valid, xpub: masterXprv }, 'testnet')).toThrowError(/PRIVATE key/);
    expectCode(() => parseKeyOrigin({ ...valid, xpub: mainnetKey.masterXprv }, 'testnet'), 'INVALID_XPUB');
  });

  it('rejects mistyped, truncated, oversized and missing xpubs', () => {
    const typo = valid.xpub.slice(0, 50) + (valid.xpub[50] === 'a' ? 'b' : 'a') + valid.xpub.slice(51);
    expectCode(() => parseKeyOrigin({ ...valid, xpub: typo }, 'testnet'), 'INVALID_XPUB');
    expectCode(() => parseKeyOrigin({ ...valid, xpub: valid.xpub.slice(0, -1) }, 'testnet'), 'INVALID_XPUB');
    expectCode(() => parseKeyOrigin({ ...valid, xpub: 'tpub'.padEnd(100_000, 'D') }, 'testnet'), 'INVALID_XPUB');
    expectCode(() => parseKeyOrigin({ ...valid, xpub: undefined }, 'testnet'), 'INVALID_XPUB');
  });

  it.each([null, undefined, 'string', 42, []])('rejects non-object input %j', (input) => {
    expect(() => parseKeyOrigin(input, 'testnet')).toThrowError(expect.objectContaining({ name: 'CryptoError' }));
  });
});

describe('originFromMasterXprv', () => {
  const { masterXprv, origin } = walletKeyFromSeed(SEED, 'testnet');

  it('rejects the public key, a non-master private key and another network', () => {
    expectCode(() => originFromMasterXprv(origin.xpub, 'testnet'), 'INVALID_XPRV');
    const account = HDKey.fromExtendedKey(masterXprv, networkParams('testnet').bip32).derive(origin.path);
    expectCode(() => originFromMasterXprv(account.privateExtendedKey, 'testnet'), 'INVALID_XPRV');
    expectCode(() => originFromMasterXprv(masterXprv, 'mainnet'), 'NETWORK_MISMATCH');
  });
});
