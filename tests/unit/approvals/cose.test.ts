import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { CborError, CoseError, decodeCbor, decodeCborPrefix, parseCosePublicKey } from '@/lib/approvals/cose';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function cborError(bytes: Uint8Array): CborError {
  try {
    decodeCbor(bytes);
  } catch (error) {
    if (error instanceof CborError) return error;
    throw error;
  }
  throw new Error(`decoded without error: ${Buffer.from(bytes).toString('hex')}`);
}

function coseError(bytes: Uint8Array): CoseError {
  try {
    parseCosePublicKey(bytes);
  } catch (error) {
    if (error instanceof CoseError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

const enc = (entries: [number, number | Uint8Array][]) => isoCBOR.encode(new Map(entries) as never);

function es256Key() {
  const pub = p256.getPublicKey(p256.utils.randomSecretKey(), false);
  return { x: pub.slice(1, 33), y: pub.slice(33) };
}

describe('strict CBOR decoder', () => {
  it('decodes the subset WebAuthn uses', () => {
    expect(decodeCbor(hex('00'))).toBe(0);
    expect(decodeCbor(hex('17'))).toBe(23);
    expect(decodeCbor(hex('1818'))).toBe(24);
    expect(decodeCbor(hex('1903e8'))).toBe(1000);
    expect(decodeCbor(hex('1a000f4240'))).toBe(1000000);
    expect(decodeCbor(hex('1b001fffffffffffff'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(hex('20'))).toBe(-1);
    expect(decodeCbor(hex('390100'))).toBe(-257);
    expect(decodeCbor(hex('4401020304'))).toEqual(hex('01020304'));
    expect(decodeCbor(hex('6449455446'))).toBe('IETF');
    expect(decodeCbor(hex('83010203'))).toEqual([1, 2, 3]);
    expect(decodeCbor(hex('f4'))).toBe(false);
    expect(decodeCbor(hex('f5'))).toBe(true);
    expect(decodeCbor(hex('f6'))).toBe(null);
    expect(decodeCbor(hex('a201022003'))).toEqual(new Map([[1, 2], [-1, 3]]));
    expect(decodeCbor(hex('a0'))).toEqual(new Map());
  });

  it('reads a subarray as its own bytes (not its underlying buffer)', () => {
    const whole = hex('a10102 a10105');
    expect(decodeCbor(whole.subarray(3))).toEqual(new Map([[1, 5]]));
  });

  it('refuses truncation, with bounds checks on every length', () => {
    expect(cborError(hex('5820 0102')).code).toBe('cbor_truncated'); // bstr of 32, 2 present
    expect(cborError(hex('19 03')).code).toBe('cbor_truncated');
    expect(cborError(hex('a2 0102')).code).toBe('cbor_truncated');
    expect(cborError(hex('83 0102')).code).toBe('cbor_truncated');
    expect(cborError(hex('')).code).toBe('cbor_truncated');
    expect(cborError(hex('5b 001fffffffffffff')).code).toBe('cbor_truncated');
  });

  it('refuses what canonical CTAP2 CBOR never contains', () => {
    expect(cborError(hex('1817')).code).toBe('cbor_non_canonical'); // 23 in two bytes
    expect(cborError(hex('190017')).code).toBe('cbor_non_canonical');
    expect(cborError(hex('5f 41 01 ff')).code).toBe('cbor_unsupported'); // indefinite bstr
    expect(cborError(hex('c1 1a 514b67b0')).code).toBe('cbor_unsupported'); // tag
    expect(cborError(hex('f93c00')).code).toBe('cbor_unsupported'); // float16
    expect(cborError(hex('f7')).code).toBe('cbor_unsupported'); // undefined
    expect(cborError(hex('1c')).code).toBe('cbor_unsupported'); // reserved
    expect(cborError(hex('1b 0020000000000000')).code).toBe('cbor_too_large');
    expect(cborError(hex('a2 0102 0103')).code).toBe('cbor_duplicate_key');
    expect(cborError(hex('a1 4101 02')).code).toBe('cbor_bad_key');
    expect(cborError(hex('0102')).code).toBe('cbor_trailing_bytes');
    expect(cborError(hex('62 c328')).code).toBe('cbor_invalid_utf8');
    expect(cborError(hex('81'.repeat(20) + '00')).code).toBe('cbor_too_deep');
    expect(cborError(hex('99 ffff')).code).toBe('cbor_too_large');
  });

  it('decodes a prefix and reports where it ends', () => {
    expect(decodeCborPrefix(hex('ff a10102 99'), 1)).toEqual({ value: new Map([[1, 2]]), end: 4 });
  });
});

describe('COSE public keys', () => {
  it('parses ES256, EdDSA and RS256 keys', () => {
    const { x, y } = es256Key();
    expect(parseCosePublicKey(enc([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]))).toEqual({ kty: 'EC2', alg: -7, name: 'ES256', crv: 1, x, y });
    const edX = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
    expect(parseCosePublicKey(enc([[1, 1], [3, -8], [-1, 6], [-2, edX]]))).toMatchObject({ name: 'EdDSA', x: edX });
    expect(parseCosePublicKey(enc([[1, 1], [3, -19], [-1, 6], [-2, edX]]))).toMatchObject({ name: 'EdDSA', alg: -19 });
    const n = new Uint8Array(256).fill(0xc5);
    expect(parseCosePublicKey(enc([[1, 3], [3, -257], [-1, n], [-2, hex('010001')]]))).toMatchObject({ name: 'RS256', n, e: hex('010001') });
  });

  it('refuses malformed keys with cose_malformed', () => {
    const { x, y } = es256Key();
    const cases: [string, Uint8Array][] = [
      ['garbage', hex('deadbeef')],
      ['empty', new Uint8Array(0)],
      ['not a map', hex('83010203')],
      ['truncated', enc([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]).subarray(0, 60)],
      ['trailing byte', Uint8Array.from([...enc([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]), 0])],
      ['missing kty', enc([[3, -7], [-1, 1], [-2, x], [-3, y]])],
      ['missing alg', enc([[1, 2], [-1, 1], [-2, x], [-3, y]])],
      ['missing y', enc([[1, 2], [3, -7], [-1, 1], [-2, x]])],
      ['short x', enc([[1, 2], [3, -7], [-1, 1], [-2, x.subarray(1)], [-3, y]])],
      ['x as integer', enc([[1, 2], [3, -7], [-1, 1], [-2, 5], [-3, y]])],
      ['even RSA modulus', enc([[1, 3], [3, -257], [-1, new Uint8Array(256).fill(0xc4)], [-2, hex('010001')]])],
      ['RSA exponent 1', enc([[1, 3], [3, -257], [-1, new Uint8Array(256).fill(0xc5)], [-2, hex('01')]])],
    ];
    for (const [label, bytes] of cases) expect(coseError(bytes).code, label).toBe('cose_malformed');
  });

  it('refuses unsupported algorithms and curves with cose_unsupported', () => {
    const { x, y } = es256Key();
    const cases: [string, Uint8Array][] = [
      ['ES384', enc([[1, 2], [3, -35], [-1, 2], [-2, x], [-3, y]])],
      ['EC2 with P-384 curve', enc([[1, 2], [3, -7], [-1, 2], [-2, x], [-3, y]])],
      ['Ed448', enc([[1, 1], [3, -8], [-1, 7], [-2, x]])],
      ['PS256', enc([[1, 3], [3, -37], [-1, new Uint8Array(256).fill(0xc5)], [-2, hex('010001')]])],
      ['RSA 1024', enc([[1, 3], [3, -257], [-1, new Uint8Array(128).fill(0xc5)], [-2, hex('010001')]])],
      ['symmetric', enc([[1, 4], [3, 5], [-1, x]])],
    ];
    for (const [label, bytes] of cases) expect(coseError(bytes).code, label).toBe('cose_unsupported');
  });

  it('refuses a key that carries private material', () => {
    const { x, y } = es256Key();
    expect(coseError(enc([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y], [-4, new Uint8Array(32)]])).code).toBe('cose_private_key');
    expect(coseError(enc([[1, 3], [3, -257], [-1, new Uint8Array(256).fill(0xc5)], [-2, hex('010001')], [-3, new Uint8Array(256)]])).code).toBe('cose_private_key');
  });
});
