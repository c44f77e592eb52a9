/**
 * A software WebAuthn authenticator (ES256, "none" attestation, user verified) for API tests
 * that run without a browser. It follows W3C WebAuthn L3 §6.1 (authenticator data) and §6.5.4
 * (attested credential data); the browser tests use Chromium's virtual authenticator instead.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

interface Credential {
  id: Uint8Array<ArrayBuffer>;
  secretKey: Uint8Array;
  rpId: string;
  userHandle: string;
  counter: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];
  constructor(readonly origin: string) {}

  /** navigator.credentials.create(), serialised as @simplewebauthn/browser would. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const cred: Credential = {
      id: crypto.getRandomValues(new Uint8Array(32)),
      secretKey: p256.utils.randomSecretKey(),
      rpId,
      userHandle: options.user.id,
      counter: 0,
    };
    this.credentials.push(cred);
    const pub = p256.getPublicKey(cred.secretKey, false); // 04 || x || y
    const cose = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, pub.slice(1, 33)],
      [-3, pub.slice(33, 65)],
    ]);
    const attested = concat(new Uint8Array(16), new Uint8Array([0, cred.id.length]), cred.id, isoCBOR.encode(cose));
    const authData = concat(sha256(utf8ToBytes(rpId)), new Uint8Array([FLAG_UP | FLAG_UV | FLAG_AT]), u32(cred.counter), attested);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    const clientDataJSON = new Uint8Array(utf8ToBytes(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: this.origin, crossOrigin: false })));
    const id = isoBase64URL.fromBuffer(cred.id);
    return {
      id,
      rawId: id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get() with a discoverable credential (the most recent one by default). */
  get(options: { challenge: string; rpId?: string }, credential: Credential | undefined = this.credentials.at(-1)) {
    if (!credential) throw new Error('SoftAuthenticator: no credential');
    credential.counter += 1;
    const authData = concat(sha256(utf8ToBytes(credential.rpId)), new Uint8Array([FLAG_UP | FLAG_UV]), u32(credential.counter));
    const clientDataJSON = new Uint8Array(utf8ToBytes(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: this.origin, crossOrigin: false })));
    const signature = p256.sign(concat(authData, sha256(clientDataJSON)), credential.secretKey, { format: 'der' });
    const id = isoBase64URL.fromBuffer(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        authenticatorData: isoBase64URL.fromBuffer(authData),
        signature: isoBase64URL.fromBuffer(signature),
        userHandle: credential.userHandle,
      },
    };
  }
}
