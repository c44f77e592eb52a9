/**
 * Password envelope (lib/crypto/envelope.ts): Argon2id (RFC 9106) / PBKDF2-SHA256 (RFC 8018)
 * + AES-256-GCM (SP 800-38D) with AAD binding wallet, role, version and KDF settings.
 * Round trips, tampering one field at a time, hard caps enforced before any derivation,
 * malformed input, NFKC, and an independent decryption (@noble/hashes + WebCrypto) that follows
 * only the format documented in the file header. Also the shared password policy floor.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as hashWasm from 'hash-wasm';
import { argon2idAsync, argon2id as nobleArgon2id } from '@noble/hashes/argon2.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, hex } from '@scure/base';
import rfc9106 from '@/tests/vectors/rfc9106-argon2id.json';
import {
  DEFAULT_ARGON2ID_PARAMS,
  decryptKey,
  encryptKey,
  parseEnvelope,
  passwordPolicyErrors,
  type Argon2idParams,
  type CryptoErrorCode,
  type EnvelopeStage,
  type KeyEnvelope,
} from '@/lib/crypto';

vi.mock('hash-wasm', async (importOriginal) => {
  const actual = await importOriginal<typeof import('hash-wasm')>();
  return { ...actual, argon2id: vi.fn(actual.argon2id) };
});

const PASSWORD = 'correct horse battery staple 42';
const CTX = { walletId: 'wal_01HXYZ', keyRole: 'user' } as const;
/** The smallest Argon2id setting the caps allow (19 MiB, t=2, p=1): fast, still the real code path. */
const SMALL: Argon2idParams = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };
const PLAINTEXT = new TextEncoder().encode('tprv8ZgxMBicQKsPd1EzCPZcQSPhsotX5HvRDCivA7ASNQFmjWuTsW3WWEwUNKFAZrnD9qpz55rLWLMvKhLX37sZyTRTw8CE16J9ZYpVPuL6TvB');

async function expectRejects(promise: Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'CryptoError', code });
}
function expectThrowsCode(fn: () => unknown, code: CryptoErrorCode): void {
  expect(fn).toThrowError(expect.objectContaining({ name: 'CryptoError', code }));
}
function flipBit(b64: string, byteIndex: number): string {
  const bytes = base64.decode(b64);
  const i = byteIndex < 0 ? bytes.length + byteIndex : byteIndex;
  bytes[i] = bytes[i]! ^ 0x01;
  return base64.encode(bytes);
}
function mutable(envelope: KeyEnvelope): Record<string, unknown> & { params: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(envelope));
}

const argon2Spy = vi.mocked(hashWasm.argon2id);
beforeEach(() => {
  argon2Spy.mockClear();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('round trip', () => {
  it('Argon2id with the real default parameters (64 MiB, t=3, p=4)', async () => {
    const envelope = await encryptKey(PLAINTEXT, PASSWORD, CTX);
    expect(envelope).toMatchObject({ v: 1, kdf: 'argon2id', params: { memoryKiB: 65_536, iterations: 3, parallelism: 4 } });
    expect(envelope.params).toEqual(DEFAULT_ARGON2ID_PARAMS);
    expect(await decryptKey(envelope, PASSWORD, CTX)).toEqual(PLAINTEXT);
    expect(argon2Spy).toHaveBeenCalledTimes(2);
    expect(argon2Spy.mock.calls[0]![0]).toMatchObject({ memorySize: 65_536, iterations: 3, parallelism: 4, hashLength: 32, outputType: 'binary' });
  });

  it('PBKDF2-SHA256 with 600,000 iterations', async () => {
    const envelope = await encryptKey(PLAINTEXT, PASSWORD, CTX, { kdf: 'pbkdf2-sha256' });
    expect(envelope).toMatchObject({ v: 1, kdf: 'pbkdf2-sha256', params: { iterations: 600_000 } });
    expect(await decryptKey(envelope, PASSWORD, CTX)).toEqual(PLAINTEXT);
    expect(argon2Spy).not.toHaveBeenCalled();
  });

  it('the envelope is plain JSON (standard padded base64 fields of exact sizes) and decrypts from JSON text', async () => {
    const envelope = await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL });
    const json = JSON.stringify(envelope);
    expect(Object.keys(JSON.parse(json)).sort()).toEqual(['ct', 'iv', 'kdf', 'params', 'salt', 'v']);
    for (const field of [envelope.salt, envelope.iv, envelope.ct]) expect(field).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(base64.decode(envelope.salt)).toHaveLength(16);
    expect(base64.decode(envelope.iv)).toHaveLength(12);
    expect(base64.decode(envelope.ct)).toHaveLength(PLAINTEXT.length + 16);
    expect(await decryptKey(json, PASSWORD, CTX)).toEqual(PLAINTEXT);
    expect(Object.isFrozen(envelope)).toBe(true);
  });

  it('uses a fresh salt and IV every time', async () => {
    const a = await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL });
    const b = await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL });
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('reports progress stages in order', async () => {
    const stages: EnvelopeStage[] = [];
    const envelope = await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL, onProgress: (s) => stages.push(s) });
    await decryptKey(envelope, PASSWORD, CTX, { onProgress: (s) => stages.push(s) });
    expect(stages).toEqual(['kdf', 'encrypt', 'kdf', 'decrypt']);
  });

  it('does not keep a reference to the caller’s plaintext', async () => {
    const plaintext = new Uint8Array(PLAINTEXT);
    const envelope = await encryptKey(plaintext, PASSWORD, CTX, { params: SMALL });
    plaintext.fill(0);
    expect(await decryptKey(envelope, PASSWORD, CTX)).toEqual(PLAINTEXT);
  });
});

describe('independent decryption from the documented format', () => {
  it('RFC 9106 §5.3: the reference Argon2id (@noble/hashes) reproduces the published tag', () => {
    const v = rfc9106.argon2id;
    const fill = ({ byte, count }: { byte: number; count: number }) => new Uint8Array(count).fill(byte);
    const tag = nobleArgon2id(fill(v.password), fill(v.salt), {
      t: v.passes, m: v.memoryKiB, p: v.lanes, dkLen: v.tagLength, version: v.version,
      key: fill(v.secret), personalization: fill(v.associatedData),
    });
    expect(hex.encode(tag)).toBe(v.tag);
  });

  async function openWith(keyBytes: Uint8Array, envelope: KeyEnvelope, aadText: string): Promise<Uint8Array> {
    const key = await crypto.subtle.importKey('raw', new Uint8Array(keyBytes), 'AES-GCM', false, ['decrypt']);
    const algorithm = { name: 'AES-GCM', iv: new Uint8Array(base64.decode(envelope.iv)), additionalData: new TextEncoder().encode(aadText) };
    return new Uint8Array(await crypto.subtle.decrypt(algorithm, key, new Uint8Array(base64.decode(envelope.ct))));
  }

  it('argon2id: noble Argon2id(NFKC password) + AES-GCM with the AAD string opens it; a different AAD does not', async () => {
    const envelope = await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL });
    const key = await argon2idAsync(new TextEncoder().encode(PASSWORD.normalize('NFKC')), base64.decode(envelope.salt), { m: 19_456, t: 2, p: 1, dkLen: 32 });
    expect(await openWith(key, envelope, 'keystead/envelope/v1|wal_01HXYZ|user|argon2id|m=19456,t=2,p=1')).toEqual(PLAINTEXT);
    await expect(openWith(key, envelope, 'keystead/envelope/v1|wal_01HXYZ|user|argon2id|m=19456,t=1,p=1')).rejects.toThrow();
    await expect(openWith(key, envelope, 'keystead/envelope/v1|wal_01HXYZ|backup|argon2id|m=19456,t=2,p=1')).rejects.toThrow();
  });

  it('pbkdf2-sha256: noble PBKDF2-HMAC-SHA256 + AES-GCM with the AAD string opens it', async () => {
    const ctx = { walletId: 'w-2', keyRole: 'backup' } as const;
    const envelope = await encryptKey(PLAINTEXT, PASSWORD, ctx, { kdf: 'pbkdf2-sha256' });
    const key = await pbkdf2Async(sha256, PASSWORD, base64.decode(envelope.salt), { c: 600_000, dkLen: 32 });
    expect(await openWith(key, envelope, 'keystead/envelope/v1|w-2|backup|pbkdf2-sha256|i=600000')).toEqual(PLAINTEXT);
  });
});

describe('wrong password and tampering: every field, one at a time', () => {
  let argonEnvelope: KeyEnvelope;
  let pbkdf2Envelope: KeyEnvelope;
  beforeEach(async () => {
    argonEnvelope ??= await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL });
    pbkdf2Envelope ??= await encryptKey(PLAINTEXT, PASSWORD, CTX, { kdf: 'pbkdf2-sha256' });
  });

  it('wrong password → WRONG_PASSWORD, saying it may also be damaged data', async () => {
    await expect(decryptKey(argonEnvelope, `${PASSWORD}!`, CTX)).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
      message: expect.stringMatching(/wrong password or damaged data/i),
    });
    await expectRejects(decryptKey(pbkdf2Envelope, 'Correct horse battery staple 42', CTX), 'WRONG_PASSWORD');
    await expectRejects(decryptKey(argonEnvelope, '', CTX), 'WRONG_PASSWORD');
  });

  it('v → UNSUPPORTED_VERSION for a future version, ENVELOPE_MALFORMED otherwise', async () => {
    for (const v of [2, 99]) await expectRejects(decryptKey({ ...mutable(argonEnvelope), v }, PASSWORD, CTX), 'UNSUPPORTED_VERSION');
    for (const v of ['1', 0, -1, 1.5, null, true]) await expectRejects(decryptKey({ ...mutable(argonEnvelope), v }, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
    expect(argon2Spy).not.toHaveBeenCalled();
  });

  it('kdf: unknown or mismatching its params → ENVELOPE_MALFORMED; swapped with valid params (downgrade) → WRONG_PASSWORD', async () => {
    await expectRejects(decryptKey({ ...mutable(argonEnvelope), kdf: 'scrypt' }, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
    await expectRejects(decryptKey({ ...mutable(argonEnvelope), kdf: 'pbkdf2-sha256' }, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
    const downgraded = { ...mutable(argonEnvelope), kdf: 'pbkdf2-sha256', params: { iterations: 600_000 } };
    await expectRejects(decryptKey(downgraded, PASSWORD, CTX), 'WRONG_PASSWORD');
    const swapped = { ...mutable(pbkdf2Envelope), kdf: 'argon2id', params: SMALL };
    await expectRejects(decryptKey(swapped, PASSWORD, CTX), 'WRONG_PASSWORD');
  });

  it.each<[string, Partial<Argon2idParams>]>([
    ['memoryKiB', { memoryKiB: 20_480 }],
    ['iterations', { iterations: 3 }],
    ['parallelism', { parallelism: 2 }],
  ])('params.%s changed within the caps → WRONG_PASSWORD', async (_name, change) => {
    const tampered = mutable(argonEnvelope);
    tampered.params = { ...tampered.params, ...change };
    await expectRejects(decryptKey(tampered, PASSWORD, CTX), 'WRONG_PASSWORD');
  });

  it('params.iterations (PBKDF2) changed within the caps → WRONG_PASSWORD', async () => {
    const tampered = { ...mutable(pbkdf2Envelope), params: { iterations: 600_001 } };
    await expectRejects(decryptKey(tampered, PASSWORD, CTX), 'WRONG_PASSWORD');
  });

  it.each<[string, (e: Record<string, unknown> & { salt: string; iv: string; ct: string }) => object]>([
    ['salt', (e) => ({ ...e, salt: flipBit(e.salt, 0) })],
    ['iv', (e) => ({ ...e, iv: flipBit(e.iv, 11) })],
    ['ct (first byte)', (e) => ({ ...e, ct: flipBit(e.ct, 0) })],
    ['ct (GCM tag)', (e) => ({ ...e, ct: flipBit(e.ct, -1) })],
    ['ct (one byte shorter)', (e) => ({ ...e, ct: base64.encode(base64.decode(e.ct).slice(0, -1)) })],
  ])('%s changed → WRONG_PASSWORD', async (_name, tamper) => {
    await expectRejects(decryptKey(tamper(mutable(argonEnvelope) as never), PASSWORD, CTX), 'WRONG_PASSWORD');
  });

  it('AAD context: another walletId or keyRole → WRONG_PASSWORD', async () => {
    await expectRejects(decryptKey(argonEnvelope, PASSWORD, { ...CTX, walletId: 'wal_01HXYZ2' }), 'WRONG_PASSWORD');
    await expectRejects(decryptKey(argonEnvelope, PASSWORD, { ...CTX, keyRole: 'backup' }), 'WRONG_PASSWORD');
    await expectRejects(decryptKey(pbkdf2Envelope, PASSWORD, { ...CTX, keyRole: 'backup' }), 'WRONG_PASSWORD');
  });
});

describe('hard caps are checked before any derivation', () => {
  const shape = { v: 1, salt: base64.encode(new Uint8Array(16)), iv: base64.encode(new Uint8Array(12)), ct: base64.encode(new Uint8Array(64)) };

  it.each<[string, Record<string, number>]>([
    ['4 GiB of memory', { memoryKiB: 4 * 1024 * 1024, iterations: 3, parallelism: 4 }],
    ['1 TiB of memory', { memoryKiB: 2 ** 30, iterations: 3, parallelism: 4 }],
    ['memory just above 256 MiB', { memoryKiB: 262_145, iterations: 3, parallelism: 4 }],
    ['memory below 19 MiB', { memoryKiB: 19_455, iterations: 3, parallelism: 4 }],
    ['t = 11', { memoryKiB: 65_536, iterations: 11, parallelism: 4 }],
    ['t = 1', { memoryKiB: 65_536, iterations: 1, parallelism: 4 }],
    ['t = 1e9', { memoryKiB: 65_536, iterations: 1e9, parallelism: 4 }],
    ['p = 0', { memoryKiB: 65_536, iterations: 3, parallelism: 0 }],
    ['p = 9', { memoryKiB: 65_536, iterations: 3, parallelism: 9 }],
    ['fractional memory', { memoryKiB: 65_536.5, iterations: 3, parallelism: 4 }],
    ['negative memory', { memoryKiB: -65_536, iterations: 3, parallelism: 4 }],
    ['unsafe integer memory', { memoryKiB: Number.MAX_SAFE_INTEGER + 2, iterations: 3, parallelism: 4 }],
  ])('argon2id: %s → KDF_PARAMS_OUT_OF_RANGE, fast, argon2 never called', async (_name, params) => {
    const started = performance.now();
    await expectRejects(decryptKey({ ...shape, kdf: 'argon2id', params }, PASSWORD, CTX), 'KDF_PARAMS_OUT_OF_RANGE');
    expect(performance.now() - started).toBeLessThan(50);
    expect(argon2Spy).not.toHaveBeenCalled();
    expectThrowsCode(() => parseEnvelope({ ...shape, kdf: 'argon2id', params }), 'KDF_PARAMS_OUT_OF_RANGE');
  });

  it.each([599_999, 5_000_001, 1e12, 0, 600_000.5])('pbkdf2-sha256: %d iterations → KDF_PARAMS_OUT_OF_RANGE, deriveBits never called', async (iterations) => {
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
    const started = performance.now();
    await expectRejects(decryptKey({ ...shape, kdf: 'pbkdf2-sha256', params: { iterations } }, PASSWORD, CTX), 'KDF_PARAMS_OUT_OF_RANGE');
    expect(performance.now() - started).toBeLessThan(50);
    expect(deriveBits).not.toHaveBeenCalled();
  });

  it('the boundaries themselves are accepted by the parser', () => {
    for (const params of [
      { memoryKiB: 19_456, iterations: 2, parallelism: 1 },
      { memoryKiB: 262_144, iterations: 10, parallelism: 8 },
    ]) expect(parseEnvelope({ ...shape, kdf: 'argon2id', params }).params).toEqual(params);
    for (const iterations of [600_000, 5_000_000]) expect(parseEnvelope({ ...shape, kdf: 'pbkdf2-sha256', params: { iterations } }).params).toEqual({ iterations });
  });

  it('encryptKey refuses out-of-cap overrides too', async () => {
    await expectRejects(encryptKey(PLAINTEXT, PASSWORD, CTX, { params: { memoryKiB: 1024, iterations: 1, parallelism: 1 } }), 'KDF_PARAMS_OUT_OF_RANGE');
    await expectRejects(encryptKey(PLAINTEXT, PASSWORD, CTX, { kdf: 'pbkdf2-sha256', params: { iterations: 1000 } }), 'KDF_PARAMS_OUT_OF_RANGE');
    expect(argon2Spy).not.toHaveBeenCalled();
  });
});

describe('malformed input → ENVELOPE_MALFORMED, before any derivation', () => {
  let good: KeyEnvelope;
  beforeEach(async () => {
    good ??= await encryptKey(PLAINTEXT, PASSWORD, CTX, { params: SMALL });
    argon2Spy.mockClear();
  });
  afterEach(() => {
    expect(argon2Spy).not.toHaveBeenCalled();
  });

  it.each([null, undefined, 42, true, [], '', 'not json', '[]', '{}', '{"v":1'])('%j', async (input) => {
    await expectRejects(decryptKey(input, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
  });

  it.each(['v', 'kdf', 'params', 'salt', 'iv', 'ct'])('missing %s', async (field) => {
    const envelope = mutable(good);
    delete envelope[field];
    await expectRejects(decryptKey(envelope, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
  });

  it.each<[string, object]>([
    ['salt as a number', { salt: 123 }],
    ['iv as an array', { iv: [1, 2, 3] }],
    ['ct as null', { ct: null }],
    ['params as a string', { params: 'm=65536' }],
    ['params as null', { params: null }],
    ['a param as a string', { params: { ...SMALL, memoryKiB: '19456' } }],
    ['a missing param', { params: { memoryKiB: 19_456, iterations: 2 } }],
    ['an extra param', { params: { ...SMALL, secret: 1 } }],
    ['an extra top-level field', { note: 'hello' }],
    ['an extra huge string', { padding: 'A'.repeat(5_000_000) }],
  ])('%s', async (_name, change) => {
    const started = performance.now();
    await expectRejects(decryptKey({ ...mutable(good), ...change }, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
    expect(performance.now() - started).toBeLessThan(200);
  });

  it.each<[string, object]>([
    ['salt not base64', { salt: 'not base64!!' }],
    ['salt base64url', { salt: '-_-_-_-_-_-_-_-_-_-_-w==' }],
    ['salt without padding', { salt: base64.encode(new Uint8Array(16)).replace(/=+$/, '') }],
    ['salt with whitespace', { salt: ` ${base64.encode(new Uint8Array(16))}` }],
    ['salt with non-zero padding bits (non-canonical)', { salt: 'AAAAAAAAAAAAAAAAAAAAAB==' }],
    ['salt of 15 bytes', { salt: base64.encode(new Uint8Array(15)) }],
    ['salt of 32 bytes', { salt: base64.encode(new Uint8Array(32)) }],
    ['iv of 16 bytes', { iv: base64.encode(new Uint8Array(16)) }],
    ['ct of 16 bytes (tag only)', { ct: base64.encode(new Uint8Array(16)) }],
    ['ct of 4097 bytes', { ct: base64.encode(new Uint8Array(4097)) }],
    ['ct of 10 MB', { ct: 'A'.repeat(10_000_000) }],
  ])('%s', async (_name, change) => {
    await expectRejects(decryptKey({ ...mutable(good), ...change }, PASSWORD, CTX), 'ENVELOPE_MALFORMED');
  });

  it('JSON text over 8 KiB', async () => {
    await expectRejects(decryptKey(JSON.stringify({ ...mutable(good), x: 'A'.repeat(9000) }), PASSWORD, CTX), 'ENVELOPE_MALFORMED');
  });

  it('parseEnvelope returns a clean, frozen copy of a good envelope', () => {
    const parsed = parseEnvelope(JSON.parse(JSON.stringify(good)));
    expect(parsed).toEqual(good);
    expect(Object.isFrozen(parsed) && Object.isFrozen(parsed.params)).toBe(true);
  });
});

describe('NFKC password normalisation', () => {
  it.each([
    ['ligature ﬁ vs fi', 'ﬁnancial vault 2024', 'financial vault 2024'],
    ['precomposed é vs e + combining acute', 'caf\u00e9 au lait 77', 'cafe\u0301 au lait 77'],
    ['full-width digits vs ASCII', 'password ４２４２４２', 'password 424242'],
    ['no-break space vs space', 'two\u00a0words here 9', 'two words here 9'],
  ])('%s open the same envelope', async (_name, typed, retyped) => {
    const envelope = await encryptKey(PLAINTEXT, typed, CTX, { params: SMALL });
    expect(await decryptKey(envelope, retyped, CTX)).toEqual(PLAINTEXT);
  });

  it('case is not folded', async () => {
    const envelope = await encryptKey(PLAINTEXT, 'Case Matters 123', CTX, { params: SMALL });
    await expectRejects(decryptKey(envelope, 'case matters 123', CTX), 'WRONG_PASSWORD');
  });
});

describe('encryptKey argument checks', () => {
  it('rejects bad plaintext, empty password and bad context before deriving', async () => {
    await expect(encryptKey('xprv' as never, PASSWORD, CTX)).rejects.toThrow(TypeError);
    await expect(encryptKey(new Uint8Array(0), PASSWORD, CTX)).rejects.toThrow(RangeError);
    await expect(encryptKey(new Uint8Array(4081), PASSWORD, CTX)).rejects.toThrow(RangeError);
    await expect(encryptKey(PLAINTEXT, '', CTX)).rejects.toThrow(RangeError);
    await expect(encryptKey(PLAINTEXT, PASSWORD, { walletId: 'a|b', keyRole: 'user' })).rejects.toThrow(TypeError);
    await expect(encryptKey(PLAINTEXT, PASSWORD, { walletId: '', keyRole: 'user' })).rejects.toThrow(TypeError);
    await expect(encryptKey(PLAINTEXT, PASSWORD, { walletId: 'w1', keyRole: 'cosigner' as never })).rejects.toThrow(TypeError);
    expect(argon2Spy).not.toHaveBeenCalled();
  });
});

describe('passwordPolicyErrors (shared browser/server floor)', () => {
  it.each(['correct horse battery staple', 'Tr0ub4dor&3xyz', 'Ünïcödé paßwörd 1', '長い日本語のパスワードです12'])('accepts %j', (password) => {
    expect(passwordPolicyErrors(password)).toEqual([]);
  });

  it.each([
    ['short', 'Ab1!xyz'],
    ['one character class', 'abcdefghijklmnop'],
    ['too few distinct characters', 'abababababab1'],
    ['leading space', ' correct horse battery'],
    ['too long', 'aB3'.repeat(50)],
  ])('rejects %s', (_why, password) => {
    expect(passwordPolicyErrors(password).length).toBeGreaterThan(0);
  });

  it('measures the NFKC form (ligatures count as their letters)', () => {
    expect(passwordPolicyErrors('ﬁﬁﬁﬁﬁﬁ 12')).toEqual(passwordPolicyErrors('fifififififi 12'));
  });
});
