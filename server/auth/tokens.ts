/** Bearer secrets (session cookies, invite links): 256 random bits, stored only as SHA-256. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { isoBase64URL } from '@simplewebauthn/server/helpers';

export function randomToken(bytes = 32): string {
  return isoBase64URL.fromBuffer(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function hashToken(token: string): string {
  return bytesToHex(sha256(utf8ToBytes(token)));
}
