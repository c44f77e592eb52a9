/**
 * lib/wallet-export: descriptors (BIP380/389 via lib/crypto), Bitcoin Core importdescriptors
 * request, Electrum wallet file (SLIP-132 p2wsh keys), BIP129 descriptor record.
 * Electrum itself is exercised in tests/interop/electrum.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { HDKey } from '@scure/bip32';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { p2ms, p2wsh } from '@scure/btc-signer';
import { compareBytes } from '@scure/btc-signer/utils.js';
import {
  deriveAddress,
  descriptorChecksum,
  isCryptoError,
  networkParams,
  parseWalletDescriptor,
  verifyDescriptorChecksum,
  walletDescriptor,
  walletKeyFromSeed,
  type BitcoinNetwork,
  type KeyOrigin,
} from '@/lib/crypto';
import {
  BSMS_PATH_RESTRICTIONS,
  ELECTRUM_SEED_VERSION,
  bsmsDescriptorRecord,
  bsmsDescriptorRecordText,
  electrumWalletFile,
  formatBsmsRecord,
  fromSlip132P2wsh,
  importDescriptorsJson,
  importDescriptorsRequest,
  toSlip132P2wsh,
  walletDescriptors,
  walletExportTexts,
} from '@/lib/wallet-export';

const base58check = createBase58check(sha256);

function keysFor(network: BitcoinNetwork) {
  const keys = [1, 2, 3].map((n) => walletKeyFromSeed(new Uint8Array(32).fill(n), network));
  const origins = keys.map((k) => k.origin) as unknown as readonly [KeyOrigin, KeyOrigin, KeyOrigin];
  return { keys, origins };
}

function versionOf(serialized: string): number {
  const bytes = base58check.decode(serialized);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}

function expectCryptoError(fn: () => unknown, code: string) {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isCryptoError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

const regtest = keysFor('regtest');
const mainnet = keysFor('mainnet');

describe('descriptors', () => {
  it('multipath is lib/crypto’s wallet descriptor; receive/change are its two branches with their own valid checksums', () => {
    const d = walletDescriptors(regtest.origins, 'regtest');
    expect(d.multipath).toBe(walletDescriptor(regtest.origins, 'regtest'));
    const body = d.multipath.slice(0, -9);
    for (const [desc, branch] of [[d.receive, '0'], [d.change, '1']] as const) {
      expect(verifyDescriptorChecksum(desc)).toBe(true);
      const expectedBody = body.replaceAll('/<0;1>/*', `/${branch}/*`);
      expect(desc).toBe(`${expectedBody}#${descriptorChecksum(expectedBody)}`);
      expect(desc).toMatch(/^wsh\(sortedmulti\(2,\[[0-9a-f]{8}\/48h\/1h\/0h\/2h\]tpub[1-9A-Za-z]+\/[01]\/\*,/);
    }
    expect(d.receive).not.toBe(d.change);
    expect(parseWalletDescriptor(d.multipath, 'regtest')).toEqual([...regtest.origins]);
  });
});

describe('Bitcoin Core importdescriptors', () => {
  it('is two active ranged descriptors, external then internal, without labels (Core rejects labels on ranged descriptors)', () => {
    const { receive, change } = walletDescriptors(regtest.origins, 'regtest');
    expect(importDescriptorsRequest(regtest.origins, 'regtest')).toEqual([
      { desc: receive, active: true, internal: false, range: [0, 999], timestamp: 'now' },
      { desc: change, active: true, internal: true, range: [0, 999], timestamp: 'now' },
    ]);
    const parsed = JSON.parse(importDescriptorsJson(regtest.origins, 'regtest', { timestamp: 1_764_000_000, range: [0, 2999] })) as Record<string, unknown>[];
    expect(parsed.map((r) => Object.keys(r).sort())).toEqual([
      ['active', 'desc', 'internal', 'range', 'timestamp'],
      ['active', 'desc', 'internal', 'range', 'timestamp'],
    ]);
    expect(parsed.map((r) => [r.timestamp, r.range])).toEqual([
      [1_764_000_000, [0, 2999]],
      [1_764_000_000, [0, 2999]],
    ]);
  });

  it('refuses a bad range or timestamp', () => {
    expect(() => importDescriptorsRequest(regtest.origins, 'regtest', { range: [5, 4] })).toThrow(RangeError);
    expect(() => importDescriptorsRequest(regtest.origins, 'regtest', { range: [0, 2 ** 31] })).toThrow(RangeError);
    expect(() => importDescriptorsRequest(regtest.origins, 'regtest', { timestamp: -1 })).toThrow(RangeError);
    expect(() => importDescriptorsRequest(regtest.origins, 'regtest', { timestamp: 1.5 })).toThrow(RangeError);
  });
});

describe('SLIP-132 p2wsh keys', () => {
  it('tpub ↔ Vpub and tprv ↔ Vprv on testnet/regtest, xpub ↔ Zpub and xprv ↔ Zprv on mainnet: same key, other version bytes', () => {
    const cases = [
      ['regtest', regtest, 0x02575483, 0x02575048, 'Vpub', 'Vprv'],
      ['testnet', keysFor('testnet'), 0x02575483, 0x02575048, 'Vpub', 'Vprv'],
      ['mainnet', mainnet, 0x02aa7ed3, 0x02aa7a99, 'Zpub', 'Zprv'],
    ] as const;
    for (const [network, { keys }, pub, prv, pubPrefix, prvPrefix] of cases) {
      const xpub = keys[0]!.origin.xpub;
      const slipPub = toSlip132P2wsh(xpub, network);
      expect(slipPub.startsWith(pubPrefix)).toBe(true);
      expect(versionOf(slipPub)).toBe(pub);
      expect(base58check.decode(slipPub).slice(4)).toEqual(base58check.decode(xpub).slice(4));
      expect(fromSlip132P2wsh(slipPub, network)).toBe(xpub);
      const xprv = keys[0]!.masterXprv;
      const slipPrv = toSlip132P2wsh(xprv, network);
      expect(slipPrv.startsWith(prvPrefix)).toBe(true);
      expect(versionOf(slipPrv)).toBe(prv);
      expect(fromSlip132P2wsh(slipPrv, network)).toBe(xprv);
      const bip32 = networkParams(network).bip32;
      expect(HDKey.fromExtendedKey(fromSlip132P2wsh(slipPub, network), bip32).publicKey).toEqual(HDKey.fromExtendedKey(xpub, bip32).publicKey);
    }
  });

  it('refuses keys of the other network, the wrong direction and damaged strings', () => {
    expectCryptoError(() => toSlip132P2wsh(mainnet.origins[0].xpub, 'regtest'), 'NETWORK_MISMATCH');
    expectCryptoError(() => toSlip132P2wsh(toSlip132P2wsh(regtest.origins[0].xpub, 'regtest'), 'regtest'), 'NETWORK_MISMATCH');
    expectCryptoError(() => fromSlip132P2wsh(regtest.origins[0].xpub, 'regtest'), 'NETWORK_MISMATCH');
    expectCryptoError(() => fromSlip132P2wsh(toSlip132P2wsh(mainnet.origins[0].xpub, 'mainnet'), 'testnet'), 'NETWORK_MISMATCH');
    const vpub = toSlip132P2wsh(regtest.origins[0].xpub, 'regtest');
    expectCryptoError(() => fromSlip132P2wsh(`${vpub.slice(0, -1)}${vpub.endsWith('a') ? 'b' : 'a'}`, 'regtest'), 'INVALID_XPUB');
  });
});

describe('Electrum wallet file', () => {
  it('watch-only: 2of3, three bip32 keystores in wallet order with Vpub, fingerprint and path, no xprv', () => {
    const file = electrumWalletFile(regtest.origins, 'regtest');
    expect(file).toMatchObject({ seed_version: ELECTRUM_SEED_VERSION, use_encryption: false, wallet_type: '2of3' });
    expect(Object.keys(file).sort()).toEqual(['seed_version', 'use_encryption', 'wallet_type', 'x1/', 'x2/', 'x3/']);
    (['x1/', 'x2/', 'x3/'] as const).forEach((name, i) => {
      const origin = regtest.origins[i]!;
      expect(file[name]).toEqual({
        type: 'bip32',
        xpub: toSlip132P2wsh(origin.xpub, 'regtest'),
        xprv: null,
        derivation: "m/48'/1'/0'/2'",
        root_fingerprint: origin.fingerprint,
        pw_hash_version: 1,
      });
      expect(fromSlip132P2wsh(file[name].xpub, 'regtest')).toBe(origin.xpub);
    });
  });

  it('signing variant: the ACCOUNT xprv of each given role (Zprv on mainnet) matching its xpub; the others stay watch-only', () => {
    const [user, backup] = mainnet.keys;
    const file = electrumWalletFile(mainnet.origins, 'mainnet', { masterXprvs: { user: user!.masterXprv, backup: backup!.masterXprv } });
    for (const [name, key] of [['x1/', user!], ['x2/', backup!]] as const) {
      expect(file[name].xprv).toMatch(/^Zprv/);
      const account = HDKey.fromExtendedKey(fromSlip132P2wsh(file[name].xprv!, 'mainnet'), networkParams('mainnet').bip32);
      expect(account.depth).toBe(4);
      expect(account.publicExtendedKey).toBe(key.origin.xpub);
      expect(file[name].xpub).toMatch(/^Zpub/);
      expect(file[name].derivation).toBe("m/48'/0'/0'/2'");
    }
    expect(file['x3/'].xprv).toBeNull();
  });

  it('refuses a master key that is not the role’s key, a non-master key and a key of another network', () => {
    const [user, backup] = regtest.keys;
    expectCryptoError(() => electrumWalletFile(regtest.origins, 'regtest', { masterXprvs: { user: backup!.masterXprv } }), 'INVALID_XPRV');
    const account = HDKey.fromExtendedKey(user!.masterXprv, networkParams('regtest').bip32).derive("m/48'/1'/0'/2'");
    expectCryptoError(() => electrumWalletFile(regtest.origins, 'regtest', { masterXprvs: { user: account.privateExtendedKey } }), 'INVALID_XPRV');
    expectCryptoError(() => electrumWalletFile(regtest.origins, 'regtest', { masterXprvs: { user: mainnet.keys[0]!.masterXprv } }), 'NETWORK_MISMATCH');
    expect(() => electrumWalletFile(regtest.origins, 'regtest', { masterXprvs: { boss: user!.masterXprv } as never })).toThrow(TypeError);
  });
});

describe('BIP129 descriptor record', () => {
  it('BSMS 1.0 / template with /** / /0/*,/1/* / first receive address, LF-separated', () => {
    const record = bsmsDescriptorRecord(regtest.origins, 'regtest');
    const lines = bsmsDescriptorRecordText(regtest.origins, 'regtest').split('\n');
    expect(lines).toEqual(['BSMS 1.0', record.template, BSMS_PATH_RESTRICTIONS, record.firstAddress]);
    expect(lines[2]).toBe('/0/*,/1/*');
    expect(record.firstAddress).toBe(deriveAddress(regtest.origins, 'regtest', 0, 0).address);
    expect(record.firstAddress).toMatch(/^bcrt1q/);
    expect(record.template.match(/\/\*\*/g)).toHaveLength(3);
    expect(record.template).not.toContain('#');
    // Expanding the template with each restriction gives exactly our receive / change descriptors.
    const { receive, change } = walletDescriptors(regtest.origins, 'regtest');
    for (const [restriction, desc] of [['/0/*', receive], ['/1/*', change]] as const) {
      const expanded = record.template.replaceAll('/**', restriction);
      expect(`${expanded}#${descriptorChecksum(expanded)}`).toBe(desc);
    }
  });

  it('matches BIP129’s NO_ENCRYPTION test vector (format, and first address = /0/0 of the sorted keys)', () => {
    const xpubs = [
      'xpub6FL8FhxNNUVnG64YurPd16AfGyvFLhh7S2uSsDqR3Qfcm6o9jtcMYwh6DvmcBF9qozxNQmTCVvWtxLpKTnhVLN3Pgnu2D3pAoXYFgVyd8Yz',
      'xpub6EebMbEps7ZcV3FYEnddRsvrFWDrt2tiPmCeM7pPXQEmphvq9ZfJ1LWFUDjf3vxCeBuPrfyGrMazWUsYsetrnHatQZVLJH7LsgCjtMqdzgj',
    ];
    const keys = xpubs.map((x) => HDKey.fromExtendedKey(x).deriveChild(0).deriveChild(0).publicKey!).sort(compareBytes);
    const firstAddress = p2wsh(p2ms(2, keys)).address!;
    expect(firstAddress).toBe('bc1qrgc6p3kylfztu06ysl752gwwuekhvtfh9vr7zg43jvu60mutamcsv948ej');
    const template = `wsh(sortedmulti(2,[1cf0bf7e/48'/0'/0'/2']${xpubs[0]}/**,[4fc1dd4a/48'/0'/0'/2']${xpubs[1]}/**))`;
    expect(formatBsmsRecord({ template, pathRestrictions: '/0/*,/1/*', firstAddress })).toBe(`BSMS 1.0\n${template}\n/0/*,/1/*\n${firstAddress}`);
    expect(() => formatBsmsRecord({ template: `${template}\nextra`, pathRestrictions: '/0/*,/1/*', firstAddress })).toThrow(RangeError);
  });
});

describe('known answer (seeds 01…01, 02…02, 03…03 on regtest; pins the examples of docs/wallet-export.md)', () => {
  it('checksums, first address and Electrum key', () => {
    const d = walletDescriptors(regtest.origins, 'regtest');
    expect(d.multipath.slice(-9)).toBe('#fq8gmhj6');
    expect(d.receive.slice(-9)).toBe('#62gqvwhh');
    expect(d.change.slice(-9)).toBe('#llr6jg8l');
    expect(bsmsDescriptorRecord(regtest.origins, 'regtest').firstAddress).toBe('bcrt1qkpad42v3wkkt9hfww7vs7udr72pm32vyz5kgphkjm5m3z57pgz0swjhzs8');
    expect(electrumWalletFile(regtest.origins, 'regtest')['x1/'].xpub).toBe(
      'Vpub5kob2MCBWa6fJL1mhyJr7YbJzmhv1MkeMaM6inMpJ6bQ6tGFCKRmwNi5AgbUNkX2k8yLMcagNERokcENWReJD1EGzrQAcXG6xjSEcciNwEx',
    );
  });
});

describe('walletExportTexts', () => {
  it('gathers every public export, none carrying a private key', () => {
    const texts = walletExportTexts(mainnet.origins, 'mainnet');
    expect(texts.descriptor).toBe(walletDescriptor(mainnet.origins, 'mainnet'));
    expect(JSON.parse(texts.bitcoinCoreImport)).toEqual(importDescriptorsRequest(mainnet.origins, 'mainnet'));
    expect(JSON.parse(texts.electrumWatchOnly)).toEqual(electrumWalletFile(mainnet.origins, 'mainnet'));
    expect(texts.bsms.split('\n')[3]).toBe(deriveAddress(mainnet.origins, 'mainnet', 0, 0).address);
    expect(JSON.stringify(texts)).not.toMatch(/[xtZV]prv[1-9A-HJ-NP-Za-km-z]{100}/);
    expect(JSON.stringify(texts)).toContain('\\"xprv\\": null');
  });
});
