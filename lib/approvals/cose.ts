/**
 * A small, strict CBOR decoder (RFC 8949) for what WebAuthn assertions carry: COSE public keys
 * (RFC 9052/9053, RFC 8230) and authenticator-data extension maps. Only the subset CTAP2's
 * canonical encoding uses is accepted: unsigned and negative integers, byte and text strings,
 * arrays, maps, false/true/null; definite lengths in their shortest form; no tags, floats or
 * indefinite lengths; no duplicate map keys; every length is checked against the bytes left.
 *
 * Why not @levischuck/tiny-cbor (already installed under @simplewebauthn): it reads a Uint8Array
 * view through its whole underlying buffer (a subarray decodes the wrong bytes) and, in partial
 * mode, silently truncates a byte string whose length runs past the end. An auditor's verifier
 * must not depend on either, nor on @simplewebauthn's dependency tree.
 */
import { utf8Decode } from './encoding';

export type CborValue = number | string | Uint8Array | boolean | null | CborValue[] | Map<number | string, CborValue>;

export type CborErrorCode =
  | 'cbor_truncated'
  | 'cbor_unsupported'
  | 'cbor_non_canonical'
  | 'cbor_duplicate_key'
  | 'cbor_bad_key'
  | 'cbor_trailing_bytes'
  | 'cbor_too_deep'
  | 'cbor_too_large'
  | 'cbor_invalid_utf8';

export class CborError extends Error {
  override readonly name = 'CborError';
  constructor(
    readonly code: CborErrorCode,
    readonly offset: number,
    message: string,
  ) {
    super(`CBOR at byte ${offset}: ${message}`);
  }
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 256;

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new CborError('cbor_truncated', this.pos, 'unexpected end of data');
    return this.bytes[this.pos++]!;
  }

  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) throw new CborError('cbor_truncated', this.pos, `needs ${n} bytes, ${this.bytes.length - this.pos} left`);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The argument of an initial byte, shortest form enforced; at most 2^53 - 1. */
  argument(info: number, at: number): number {
    if (info < 24) return info;
    let n: number;
    switch (info) {
      case 24:
        n = this.byte();
        break;
      case 25:
        n = this.byte() * 0x100 + this.byte();
        break;
      case 26:
        n = ((this.byte() * 0x100 + this.byte()) * 0x100 + this.byte()) * 0x100 + this.byte();
        break;
      case 27: {
        const hi = ((this.byte() * 0x100 + this.byte()) * 0x100 + this.byte()) * 0x100 + this.byte();
        const lo = ((this.byte() * 0x100 + this.byte()) * 0x100 + this.byte()) * 0x100 + this.byte();
        if (hi > 0x1fffff) throw new CborError('cbor_too_large', at, 'integer above 2^53 - 1');
        n = hi * 0x1_0000_0000 + lo;
        break;
      }
      default:
        throw new CborError('cbor_unsupported', at, info === 31 ? 'indefinite lengths are not allowed' : `reserved additional information ${info}`);
    }
    const min = info === 24 ? 24 : info === 25 ? 0x100 : info === 26 ? 0x1_0000 : 0x1_0000_0000;
    if (n < min) throw new CborError('cbor_non_canonical', at, 'integer or length not in its shortest form');
    return n;
  }

  item(depth: number): CborValue {
    if (depth > MAX_DEPTH) throw new CborError('cbor_too_deep', this.pos, `nested deeper than ${MAX_DEPTH}`);
    const at = this.pos;
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return this.argument(info, at);
      case 1:
        return -1 - this.argument(info, at);
      case 2:
        return this.take(this.argument(info, at));
      case 3: {
        const text = utf8Decode(this.take(this.argument(info, at)));
        if (text === undefined) throw new CborError('cbor_invalid_utf8', at, 'text string is not valid UTF-8');
        return text;
      }
      case 4: {
        const n = this.argument(info, at);
        if (n > MAX_ITEMS) throw new CborError('cbor_too_large', at, `array of ${n} items`);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5: {
        const n = this.argument(info, at);
        if (n > MAX_ITEMS) throw new CborError('cbor_too_large', at, `map of ${n} entries`);
        const out = new Map<number | string, CborValue>();
        for (let i = 0; i < n; i++) {
          const keyAt = this.pos;
          const key = this.item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string') throw new CborError('cbor_bad_key', keyAt, 'map keys must be integers or text strings');
          if (out.has(key)) throw new CborError('cbor_duplicate_key', keyAt, `duplicate map key ${JSON.stringify(key)}`);
          out.set(key, this.item(depth + 1));
        }
        return out;
      }
      case 7:
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22) return null;
        throw new CborError('cbor_unsupported', at, 'floats, undefined and other simple values are not allowed');
      default:
        throw new CborError('cbor_unsupported', at, 'tags are not allowed');
    }
  }
}

/** Decodes exactly one item that spans all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const { value, end } = decodeCborPrefix(bytes, 0);
  if (end !== bytes.length) throw new CborError('cbor_trailing_bytes', end, `${bytes.length - end} bytes after the item`);
  return value;
}

/** Decodes one item starting at `offset`; `end` is the offset just after it. */
export function decodeCborPrefix(bytes: Uint8Array, offset: number): { value: CborValue; end: number } {
  const reader = new Reader(bytes);
  reader.pos = offset;
  const value = reader.item(0);
  return { value, end: reader.pos };
}

// ---------------------------------------------------------------------------------------------
// COSE public keys

export const COSE_ALG = { ES256: -7, EdDSA: -8, Ed25519: -19, RS256: -257 } as const;

export type CosePublicKey =
  | { kty: 'EC2'; alg: -7; name: 'ES256'; crv: 1; x: Uint8Array; y: Uint8Array }
  | { kty: 'OKP'; alg: -8 | -19; name: 'EdDSA'; crv: 6; x: Uint8Array }
  | { kty: 'RSA'; alg: -257; name: 'RS256'; n: Uint8Array; e: Uint8Array };

export type CoseErrorCode = 'cose_malformed' | 'cose_unsupported' | 'cose_private_key';

export class CoseError extends Error {
  override readonly name = 'CoseError';
  constructor(
    readonly code: CoseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 8192;

function bstr(map: Map<number | string, CborValue>, label: number, what: string, length?: number): Uint8Array {
  const v = map.get(label);
  if (!(v instanceof Uint8Array)) throw new CoseError('cose_malformed', `${what} (label ${label}) missing or not a byte string`);
  if (length !== undefined && v.length !== length) throw new CoseError('cose_malformed', `${what} is ${v.length} bytes, expected ${length}`);
  return v;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * Parses a WebAuthn credential public key (as @simplewebauthn stores `credential.publicKey`).
 * Supported: ES256 (EC2, P-256), EdDSA (OKP, Ed25519; alg -8 or -19) and RS256 (RSA 2048-8192
 * bits). Point validity (on the curve, not small order) is checked by the signature module.
 */
export function parseCosePublicKey(bytes: Uint8Array): CosePublicKey {
  let value: CborValue;
  try {
    value = decodeCbor(bytes);
  } catch (error) {
    if (error instanceof CborError) throw new CoseError('cose_malformed', `not a COSE key: ${error.message}`, { cause: error });
    throw error;
  }
  if (!(value instanceof Map)) throw new CoseError('cose_malformed', 'COSE key is not a CBOR map');
  const kty = value.get(1);
  const alg = value.get(3);
  if (typeof kty !== 'number') throw new CoseError('cose_malformed', 'kty (label 1) missing or not an integer');
  if (typeof alg !== 'number') throw new CoseError('cose_malformed', 'alg (label 3) missing or not an integer (WebAuthn requires it)');
  switch (kty) {
    case 2: {
      if (value.has(-4)) throw new CoseError('cose_private_key', 'EC2 key contains a private key (label -4)');
      if (alg !== COSE_ALG.ES256) throw new CoseError('cose_unsupported', `EC2 key with alg ${alg} (only ES256, -7)`);
      const crv = value.get(-1);
      if (crv !== 1) throw new CoseError('cose_unsupported', `EC2 curve ${String(crv)} (only P-256, 1)`);
      return { kty: 'EC2', alg, name: 'ES256', crv, x: bstr(value, -2, 'x', 32), y: bstr(value, -3, 'y', 32) };
    }
    case 1: {
      if (value.has(-4)) throw new CoseError('cose_private_key', 'OKP key contains a private key (label -4)');
      if (alg !== COSE_ALG.EdDSA && alg !== COSE_ALG.Ed25519) throw new CoseError('cose_unsupported', `OKP key with alg ${alg} (only EdDSA, -8, or Ed25519, -19)`);
      const crv = value.get(-1);
      if (crv !== 6) throw new CoseError('cose_unsupported', `OKP curve ${String(crv)} (only Ed25519, 6)`);
      return { kty: 'OKP', alg, name: 'EdDSA', crv, x: bstr(value, -2, 'x', 32) };
    }
    case 3: {
      for (let label = -3; label >= -12; label--) {
        if (value.has(label)) throw new CoseError('cose_private_key', `RSA key contains private parameter (label ${label})`);
      }
      if (alg !== COSE_ALG.RS256) throw new CoseError('cose_unsupported', `RSA key with alg ${alg} (only RS256, -257)`);
      const n = bstr(value, -1, 'n');
      const e = bstr(value, -2, 'e');
      const bits = bitLength(n);
      if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) throw new CoseError('cose_unsupported', `RSA modulus of ${bits} bits (${RSA_MIN_BITS}-${RSA_MAX_BITS} accepted)`);
      if ((n[n.length - 1]! & 1) === 0) throw new CoseError('cose_malformed', 'RSA modulus is even');
      const eBits = bitLength(e);
      if (eBits < 2 || eBits > 32 || (e[e.length - 1]! & 1) === 0) throw new CoseError('cose_malformed', 'RSA exponent must be odd, at least 3 and at most 32 bits');
      return { kty: 'RSA', alg, name: 'RS256', n, e };
    }
    default:
      throw new CoseError('cose_unsupported', `key type ${kty} (only EC2 2, OKP 1, RSA 3)`);
  }
}
