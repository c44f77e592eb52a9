/**
 * BIP32 published test vectors 1-3 (derivation and serialization) and 5 (invalid extended keys),
 * run through @scure/bip32 exactly as lib/crypto/keys.ts uses it (network versions from
 * networks.ts, path parsing, fingerprint formatting, xpub/xprv decoding). Vectors: tests/vectors/bip32.json.
 */
import { describe, expect, it } from 'vitest';
import { HDKey } from '@scure/bip32';
import { createBase58check, hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import vectors from '@/tests/vectors/bip32.json';
import { CryptoError, fingerprintHex, originFromMasterXprv, parseKeyOrigin, walletKeyFromSeed } from '@/lib/crypto';
import { formatDerivationPath, parseDerivationPath } from '@/lib/crypto/keys';
import { networkParams } from '@/lib/crypto/networks';

const mainnet = networkParams('mainnet').bip32;

describe('BIP32 test vectors 1-3', () => {
  for (const vector of vectors.valid) {
    describe(vector.name, () => {
      const master = HDKey.fromMasterSeed(hex.decode(vector.seed), mainnet);

      for (const chain of vector.chains) {
        it(`chain ${chain.path}: ext prv and ext pub`, () => {
          const key = chain.path === 'm' ? master : master.derive(chain.path);
          expect(key.privateExtendedKey).toBe(chain.xprv);
          expect(key.publicExtendedKey).toBe(chain.xpub);
        });

        it(`chain ${chain.path}: the published xpub and xprv decode back to the same key`, () => {
          const fromXpub = HDKey.fromExtendedKey(chain.xpub, mainnet);
          const fromXprv = HDKey.fromExtendedKey(chain.xprv, mainnet);
          expect(fromXpub.privateKey).toBeNull();
          expect(fromXprv.publicExtendedKey).toBe(chain.xpub);
          expect(fromXpub.depth).toBe(parseDerivationPath(chain.path).length);
        });
      }

      it('path notation round-trips through the keys.ts path parser', () => {
        for (const chain of vector.chains) expect(formatDerivationPath(parseDerivationPath(chain.path), "'")).toBe(chain.path);
      });

      it('every depth-1 chain parses as a key origin under the master fingerprint', () => {
        const fingerprint = fingerprintHex(master.fingerprint);
        for (const chain of vector.chains.filter((c) => parseDerivationPath(c.path).length === 1)) {
          const origin = parseKeyOrigin({ fingerprint, path: chain.path, xpub: chain.xpub }, 'mainnet');
          expect(origin).toEqual({ fingerprint, path: chain.path, xpub: chain.xpub });
        }
      });
    });
  }

  it('walletKeyFromSeed builds the BIP32 master of vector 1 (the key Keystead encrypts)', () => {
    const [vector1] = vectors.valid;
    const key = walletKeyFromSeed(hex.decode(vector1!.seed), 'mainnet');
    expect(key.masterXprv).toBe(vector1!.chains[0]!.xprv);
    expect(key.origin.fingerprint).toBe(vectors.fingerprints.vector1MasterFingerprint);
  });
});

describe('BIP32 fingerprint', () => {
  const [vector1] = vectors.valid;
  const master = HDKey.fromMasterSeed(hex.decode(vector1!.seed), mainnet);

  it('is the first 4 bytes of HASH160(master public key), as 8 lowercase hex', () => {
    const hash160 = ripemd160(sha256(master.publicKey!));
    expect(fingerprintHex(master.fingerprint)).toBe(hex.encode(hash160.slice(0, 4)));
    expect(fingerprintHex(master.fingerprint)).toBe(vectors.fingerprints.vector1MasterFingerprint);
  });

  it("equals the parent fingerprint serialized in vector 1's m/0' xpub", () => {
    const child = HDKey.fromExtendedKey(vector1!.chains[1]!.xpub, mainnet);
    expect(fingerprintHex(child.parentFingerprint)).toBe(vectors.fingerprints.vector1MasterFingerprint);
  });

  it('keeps leading zeros', () => {
    expect(fingerprintHex(0x00001234)).toBe('00001234');
    expect(fingerprintHex(0xffffffff)).toBe('ffffffff');
  });
});

describe('BIP32 test vector 5: invalid extended keys are rejected', () => {
  const base58check = createBase58check(sha256);

  for (const { key, reason } of vectors.invalid) {
    it(`${reason}`, () => {
      // Guard the transcription: apart from the bad-checksum case, each key is well-formed base58check,
      // so a rejection below is for the BIP's stated reason and not for a copy error.
      if (reason !== 'invalid checksum') expect(() => base58check.decode(key)).not.toThrow();
      expect(() => parseKeyOrigin({ fingerprint: '00000000', path: 'm', xpub: key }, 'mainnet')).toThrow(CryptoError);
      expect(() => originFromMasterXprv(key, 'mainnet')).toThrow(CryptoError);
    });
  }
});
