/**
 * Handing a secret to one browser only (assisted password recovery): the browser makes an
 * ephemeral ECDH P-256 key pair and sends its public half; the server seals the secret to it
 * (its own ephemeral ECDH key → HKDF-SHA-256 → AES-256-GCM, the request id as AAD and in the
 * HKDF info); only the browser that holds the private half can open it. WebCrypto only, so the
 * same code runs in the browser and on the server.
 */
import { CryptoError } from './errors';

export interface SealedForBrowser {
  readonly alg: 'ECDH-P256+HKDF-SHA256+A256GCM';
  /** base64url raw (65-byte uncompressed) public key of the sender's ephemeral pair. */
  readonly epk: string;
  readonly iv: string;
  readonly ct: string;
}

const ALG = 'ECDH-P256+HKDF-SHA256+A256GCM' as const;
const subtle = () => globalThis.crypto.subtle;
const enc = new TextEncoder();

const b64u = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
function unb64u(text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]{1,2000}$/.test(text)) throw new CryptoError('INVALID_REVEAL_KEY', 'not base64url');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Browser side: a fresh pair; send `publicKey`, keep `privateKey` (non-extractable) in memory. */
export async function createRevealKeyPair(): Promise<{ publicKey: string; privateKey: CryptoKey }> {
  const pair = await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { publicKey: b64u(raw), privateKey: pair.privateKey };
}

async function aesKey(privateKey: CryptoKey, peer: Uint8Array<ArrayBuffer>, context: string): Promise<CryptoKey> {
  let peerKey: CryptoKey;
  try {
    peerKey = await subtle().importKey('raw', peer, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  } catch (cause) {
    throw new CryptoError('INVALID_REVEAL_KEY', 'not a P-256 public key', { cause });
  }
  const shared = await subtle().deriveBits({ name: 'ECDH', public: peerKey }, privateKey, 256);
  const ikm = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: enc.encode(`keystead reveal v1|${context}`) }, ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Server side: seal `secret` to the browser's public key, bound to `context` (the request id). */
export async function sealForBrowser(secret: Uint8Array, browserPublicKey: string, context: string): Promise<SealedForBrowser> {
  const peer = unb64u(browserPublicKey);
  if (peer.length !== 65 || peer[0] !== 4) throw new CryptoError('INVALID_REVEAL_KEY', 'expected a 65-byte uncompressed P-256 key');
  const mine = await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const key = await aesKey(mine.privateKey, peer, context);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(context) }, key, secret as Uint8Array<ArrayBuffer>));
  const epk = new Uint8Array(await subtle().exportKey('raw', mine.publicKey));
  return { alg: ALG, epk: b64u(epk), iv: b64u(iv), ct: b64u(ct) };
}

/** Browser side: open what the server sealed to our key. */
export async function openFromServer(sealed: SealedForBrowser, privateKey: CryptoKey, context: string): Promise<Uint8Array> {
  if (sealed?.alg !== ALG) throw new CryptoError('INVALID_REVEAL_KEY', `unknown algorithm ${String(sealed?.alg)}`);
  const key = await aesKey(privateKey, unb64u(sealed.epk), context);
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: unb64u(sealed.iv), additionalData: enc.encode(context) }, key, unb64u(sealed.ct)));
  } catch (cause) {
    throw new CryptoError('INVALID_REVEAL_KEY', 'could not open: wrong key or tampered', { cause });
  }
}
