/**
 * BIP380 descriptor checksum (lib/crypto/descriptor.ts): the BIP's published checksum vectors and
 * Bitcoin Core's descriptor_tests vectors (tests/vectors/bip380-checksum.json), parity with a
 * second implementation (@bitcoinerlab/descriptors), and the Keystead wallet descriptor
 * wsh(sortedmulti(2, ...)) with BIP389 /<0;1>/*: generate → parse → same origins.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { checksum as bitcoinerlabChecksum } from '@bitcoinerlab/descriptors';
import vectors from '@/tests/vectors/bip380-checksum.json';
import {
  BITCOIN_NETWORKS,
  branchDescriptors,
  descriptorChecksum,
  parseWalletDescriptor,
  verifyDescriptorChecksum,
  walletDescriptor,
  walletKeyFromSeed,
  type BitcoinNetwork,
  type CryptoErrorCode,
  type KeyOrigin,
} from '@/lib/crypto';

function expectCode(fn: () => unknown, code: CryptoErrorCode): void {
  expect(fn).toThrowError(expect.objectContaining({ name: 'CryptoError', code }));
}

function fixedOrigins(network: BitcoinNetwork): [KeyOrigin, KeyOrigin, KeyOrigin] {
  const origin = (label: string) => walletKeyFromSeed(sha256(new TextEncoder().encode(label)), network).origin;
  return [origin('keystead user'), origin('keystead backup'), origin('keystead cosigner')];
}

function withChecksum(body: string): string {
  return `${body}#${descriptorChecksum(body)}`;
}

describe('BIP380 checksum: published vectors', () => {
  it.each(vectors.valid.map((v) => [v.source, v.descriptor]))('valid (%s): %s', (_source, descriptor) => {
    expect(verifyDescriptorChecksum(descriptor)).toBe(true);
    const [body, checksum] = descriptor.split('#') as [string, string];
    expect(descriptorChecksum(body)).toBe(checksum);
  });

  it.each(vectors.invalid.map((v) => [v.reason, v.descriptor]))('invalid (%s): %s', (_reason, descriptor) => {
    expect(verifyDescriptorChecksum(descriptor)).toBe(false);
  });

  it('refuses to checksum characters outside the BIP380 character set', () => {
    expectCode(() => descriptorChecksum('raw(Ü)'), 'INVALID_DESCRIPTOR');
    expectCode(() => descriptorChecksum('raw(\n)'), 'INVALID_DESCRIPTOR');
  });

  it("h and ' spellings of the same descriptor have different checksums", () => {
    const apostrophe = "pkh([deadbeef/0'/1']02aa)";
    expect(descriptorChecksum(apostrophe)).not.toBe(descriptorChecksum(apostrophe.replaceAll("'", 'h')));
  });
});

describe('BIP380 checksum: parity with @bitcoinerlab/descriptors', () => {
  const charset = "0123456789()[],'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";

  it('agrees on 500 pseudo-random strings over the whole character set (lengths 0..300)', () => {
    let state = sha256(new TextEncoder().encode('bip380 parity'));
    for (let n = 0; n < 500; n++) {
      state = sha256(state);
      const length = ((state[0]! << 8) | state[1]!) % 301;
      let s = '';
      for (let i = 0; i < length; i++) {
        if (i % 30 === 0) state = sha256(state);
        s += charset[state[i % 32]! % charset.length];
      }
      expect(descriptorChecksum(s)).toBe(bitcoinerlabChecksum(s));
    }
  });

  it('agrees on the wallet descriptors of every network', () => {
    for (const network of BITCOIN_NETWORKS) {
      const [body, checksum] = walletDescriptor(fixedOrigins(network), network).split('#') as [string, string];
      expect(bitcoinerlabChecksum(body)).toBe(checksum);
    }
  });
});

describe('Keystead wallet descriptor', () => {
  for (const network of BITCOIN_NETWORKS) {
    it(`${network}: generate → parse → the same origins, in order`, () => {
      const origins = fixedOrigins(network);
      const descriptor = walletDescriptor(origins, network);
      expect(verifyDescriptorChecksum(descriptor)).toBe(true);
      expect(parseWalletDescriptor(descriptor, network)).toEqual(origins);
    });
  }

  it('has the documented shape: h markers, key origins, /<0;1>/*, keys in the given order', () => {
    const origins = fixedOrigins('regtest');
    const descriptor = walletDescriptor(origins, 'regtest');
    const key = (o: KeyOrigin) => `[${o.fingerprint}/48h/1h/0h/2h]${o.xpub}/<0;1>/*`;
    expect(descriptor).toBe(withChecksum(`wsh(sortedmulti(2,${origins.map(key).join(',')}))`));
    expect(descriptor).not.toContain("'");
  });

  it('is a fixed, known string for fixed keys (regression guard)', () => {
    const descriptor = walletDescriptor(fixedOrigins('mainnet'), 'mainnet');
    expect(descriptor.slice(-9)).toBe('#r7q3p8tz'); // also computed by @bitcoinerlab/descriptors (parity test above)
    expect(descriptor.startsWith('wsh(sortedmulti(2,[')).toBe(true);
  });

  it("parses the ' spelling too (with its own checksum)", () => {
    const origins = fixedOrigins('testnet');
    const body = walletDescriptor(origins, 'testnet').split('#')[0]!.replaceAll('h/', "'/").replaceAll('h]', "']");
    expect(body).toContain("/48'/1'/0'/2']");
    expect(parseWalletDescriptor(withChecksum(body), 'testnet')).toEqual(origins);
  });

  it('tolerates surrounding whitespace from copy and paste', () => {
    const origins = fixedOrigins('regtest');
    expect(parseWalletDescriptor(`  ${walletDescriptor(origins, 'regtest')}\n`, 'regtest')).toEqual(origins);
  });

  it('branchDescriptors gives /0/* and /1/* single-path equivalents with valid checksums', () => {
    const origins = fixedOrigins('regtest');
    const { receive, change } = branchDescriptors(origins, 'regtest');
    expect(verifyDescriptorChecksum(receive) && verifyDescriptorChecksum(change)).toBe(true);
    expect(receive.split('#')[0]).toBe(walletDescriptor(origins, 'regtest').split('#')[0]!.replaceAll('<0;1>', '0'));
    expect(change).toContain(`${origins[0].xpub}/1/*`);
  });

  describe('parseWalletDescriptor rejects', () => {
    const origins = fixedOrigins('regtest');
    const descriptor = walletDescriptor(origins, 'regtest');
    const body = descriptor.split('#')[0]!;

    it('a one-character change anywhere (checksum mismatch)', () => {
      for (const at of [4, 20, 60, body.length - 5]) {
        const changed = body.slice(0, at) + (body[at] === '1' ? '2' : '1') + body.slice(at + 1) + descriptor.slice(-9);
        expectCode(() => parseWalletDescriptor(changed, 'regtest'), 'CHECKSUM_MISMATCH');
      }
      expectCode(() => parseWalletDescriptor(`${body}#qqqqqqqq`, 'regtest'), 'CHECKSUM_MISMATCH');
    });

    it('a missing or malformed checksum', () => {
      expectCode(() => parseWalletDescriptor(body, 'regtest'), 'INVALID_DESCRIPTOR');
      expectCode(() => parseWalletDescriptor(`${body}#`, 'regtest'), 'INVALID_DESCRIPTOR');
      expectCode(() => parseWalletDescriptor(`${descriptor}x`, 'regtest'), 'INVALID_DESCRIPTOR');
      expectCode(() => parseWalletDescriptor(descriptor.slice(0, -1), 'regtest'), 'INVALID_DESCRIPTOR');
    });

    it('other shapes, even with a correct checksum', () => {
      const shapes = [
        body.replace('sortedmulti(2,', 'multi(2,'),
        body.replace('sortedmulti(2,', 'sortedmulti(3,'),
        body.replace('wsh(', 'sh(wsh(') + ')',
        body.replaceAll('/<0;1>/*', '/0/*'),
        body.replaceAll('/<0;1>/*', '/<0;1;2>/*'),
        body.replace('))', `,${body.split(',')[1]}))`), // four keys
        `wsh(sortedmulti(2,${body.split(',').slice(1, 3).join(',')}))`,
        body.replace(`[${origins[0].fingerprint}/48h/1h/0h/2h]`, ''),
      ];
      for (const shape of shapes) expectCode(() => parseWalletDescriptor(withChecksum(shape), 'regtest'), 'INVALID_DESCRIPTOR');
    });

    it('keys of another network', () => {
      expectCode(() => parseWalletDescriptor(descriptor, 'mainnet'), 'NETWORK_MISMATCH');
    });

    it('a wrong fingerprint-to-depth relation or a tampered path', () => {
      const tampered = body.replace(`${origins[1].fingerprint}/48h/1h/0h/2h`, `${origins[1].fingerprint}/48h/1h/0h`);
      expectCode(() => parseWalletDescriptor(withChecksum(tampered), 'regtest'), 'INVALID_KEY_ORIGIN');
    });

    it('the same key twice', () => {
      const duplicate = walletDescriptor(origins, 'regtest').split('#')[0]!.replace(origins[2].xpub, origins[1].xpub);
      expectCode(() => parseWalletDescriptor(withChecksum(duplicate), 'regtest'), 'DUPLICATE_KEY');
    });

    it('huge input, quickly', () => {
      const started = performance.now();
      expectCode(() => parseWalletDescriptor('wsh('.repeat(100_000), 'regtest'), 'INVALID_DESCRIPTOR');
      expect(performance.now() - started).toBeLessThan(50);
    });
  });

  it('walletDescriptor refuses duplicate keys and keys of another network', () => {
    const [a, b] = fixedOrigins('regtest');
    expectCode(() => walletDescriptor([a, b, a], 'regtest'), 'DUPLICATE_KEY');
    expectCode(() => walletDescriptor(fixedOrigins('regtest'), 'mainnet'), 'NETWORK_MISMATCH');
  });
});
