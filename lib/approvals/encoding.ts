/**
 * Byte helpers for approval proofs. Pure and isomorphic (no Buffer, no node:*).
 * base64url is RFC 4648 §5 without padding, decoded strictly (no '=', no '+' '/', no stray bits):
 * one byte string has exactly one spelling, so an export cannot carry two readings of a field.
 */
import { base64urlnopad } from '@scure/base';

export function toBase64url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Strict decode; returns undefined instead of throwing so callers attach their own reason. */
export function fromBase64url(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return base64urlnopad.decode(text);
  } catch {
    return undefined;
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** I2OSP: big-endian, exactly `length` bytes (caller guarantees n < 256^length). */
export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decode (invalid sequences are an error, a BOM is kept as a character). */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
