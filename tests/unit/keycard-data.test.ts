/**
 * Key card data v1 (docs/keycard-format.md): the zod schema and the semantic checks of
 * parseKeycardData, the BIP380 descriptor checksum, and docs/keycard.schema.json kept equal to
 * the zod schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  KeycardDataSchema,
  isKeycardError,
  keycardQrTag,
  keycardQrTexts,
  parseKeycardData,
  type KeycardData,
  type KeycardErrorCode,
} from '@/lib/keycard/data';
import { keycardSample, keycardSampleMainnet } from '../fixtures/keycard-sample';

/** A deep copy of the sample with one change, typed loosely so tests can break it. */
function mutated(change: (card: Record<string, any>) => void, base: KeycardData = keycardSample): unknown {
  const card = structuredClone(base) as Record<string, any>;
  change(card);
  return card;
}

function expectKeycardError(input: unknown, code: KeycardErrorCode, expect_: Parameters<typeof parseKeycardData>[1] = {}) {
  try {
    parseKeycardData(input, expect_);
  } catch (error) {
    expect(isKeycardError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return error as Error & { issues: { path: string }[] };
  }
  throw new Error(`expected KeycardError ${code}`);
}

describe('parseKeycardData accepts good cards', () => {
  it('accepts the regtest and mainnet samples unchanged, as values and as JSON text', () => {
    for (const card of [keycardSample, keycardSampleMainnet]) {
      expect(parseKeycardData(card)).toEqual(card);
      expect(parseKeycardData(JSON.stringify(card))).toEqual(card);
      expect(parseKeycardData(card, { network: card.wallet.network, walletId: card.wallet.id })).toEqual(card);
    }
  });

  it('keeps unknown members of the opaque envelopes and Box 4 (their formats are versioned elsewhere)', () => {
    const card = parseKeycardData(mutated((c) => ((c.box1.aadVersion = 1), (c.box4.note = 'x'))));
    expect(card.box1.aadVersion).toBe(1);
    expect(card.box4.note).toBe('x');
  });

  it("accepts `h` or `'` for hardened steps, on either side", () => {
    const card = mutated((c) => (c.keys.user.path = c.keys.user.path.replace(/'/g, 'h')));
    expect(() => parseKeycardData(card)).not.toThrow();
  });
});

describe('parseKeycardData rejects bad cards with typed errors', () => {
  it('NOT_A_KEYCARD: not JSON, not an object, another format', () => {
    expectKeycardError('{"format": "keystead-keycard", ', 'NOT_A_KEYCARD');
    expectKeycardError(null, 'NOT_A_KEYCARD');
    expectKeycardError([], 'NOT_A_KEYCARD');
    expectKeycardError(mutated((c) => (c.format = 'other-wallet-backup')), 'NOT_A_KEYCARD');
  });

  it('UNSUPPORTED_VERSION: any v other than 1, checked before the rest', () => {
    expectKeycardError(mutated((c) => (c.v = 2)), 'UNSUPPORTED_VERSION');
    expectKeycardError({ format: 'keystead-keycard', v: 2 }, 'UNSUPPORTED_VERSION');
    expectKeycardError(mutated((c) => (c.v = '1')), 'UNSUPPORTED_VERSION');
  });

  it.each([
    ['a missing box', (c: Record<string, any>) => delete c.box2, 'box2'],
    ['an unknown top-level member', (c: Record<string, any>) => (c.extra = true), ''],
    ['an unknown wallet member', (c: Record<string, any>) => (c.wallet.kind = 'multisig'), 'wallet'],
    ['a threshold other than 2', (c: Record<string, any>) => (c.wallet.threshold = 3), 'wallet.threshold'],
    ['an uppercase wallet id', (c: Record<string, any>) => (c.wallet.id = c.wallet.id.toUpperCase()), 'wallet.id'],
    ['a local-time creation date', (c: Record<string, any>) => (c.wallet.createdAt = '2026-11-25T14:03:27+01:00'), 'wallet.createdAt'],
    ['a control character in the name', (c: Record<string, any>) => (c.wallet.name = 'Treasury\n'), 'wallet.name'],
    ['an empty organisation name', (c: Record<string, any>) => (c.wallet.orgName = ''), 'wallet.orgName'],
    ['an unknown KDF', (c: Record<string, any>) => (c.box1.kdf = 'scrypt'), 'box1.kdf'],
    ['a non-base64 ciphertext', (c: Record<string, any>) => (c.box2.ct = `${c.box2.ct.slice(1)}!`), 'box2.ct'],
    ['a fractional KDF parameter', (c: Record<string, any>) => (c.box1.params.iterations = 2.5), 'box1.params.iterations'],
    ['an envelope of another version', (c: Record<string, any>) => (c.box1.v = 2), 'box1.v'],
    ['a Box 4 ciphertext far too short for RSA', (c: Record<string, any>) => (c.box4.ct = c.box4.ct.slice(0, 200)), 'box4.ct'],
    ['a Box 4 hash other than SHA-1/SHA-256', (c: Record<string, any>) => (c.box4.hash = 'SHA-512'), 'box4.hash'],
    ['an uppercase fingerprint', (c: Record<string, any>) => (c.keys.user.fingerprint = c.keys.user.fingerprint.toUpperCase()), 'keys.user.fingerprint'],
    ['a path without m/', (c: Record<string, any>) => (c.box3.path = "48'/1'/0'/2'"), 'box3.path'],
    ['a first address at another path', (c: Record<string, any>) => (c.firstAddress.path = '0/1'), 'firstAddress.path'],
    ['a lowercase confirmation code', (c: Record<string, any>) => (c.confirmCode = 'k7mx-4qrp'), 'confirmCode'],
    ['a confirmation code too long', (c: Record<string, any>) => (c.confirmCode = 'K7MX-4QRPZ'), 'confirmCode'],
    ['a descriptor of another script type', (c: Record<string, any>) => (c.wallet.descriptor = c.wallet.descriptor.replace('wsh(', 'sh(')), 'wallet.descriptor'],
  ])('KEYCARD_MALFORMED: %s', (_name, change, path) => {
    const error = expectKeycardError(mutated(change), 'KEYCARD_MALFORMED');
    expect(error.issues.map((issue) => issue.path)).toContain(path);
  });

  it('KEYCARD_MALFORMED: an extended public key that fails its base58 checksum', () => {
    const xpub = keycardSample.keys.backup.xpub;
    const typo = `${xpub.slice(0, 60)}${xpub[60] === 'a' ? 'b' : 'a'}${xpub.slice(61)}`;
    expectKeycardError(mutated((c) => (c.keys.backup.xpub = typo)), 'KEYCARD_MALFORMED');
  });

  it('WRONG_NETWORK: tpub keys on a mainnet card, a mainnet address on a test card, or not the expected network', () => {
    expectKeycardError(mutated((c) => (c.wallet.network = 'mainnet')), 'WRONG_NETWORK');
    expectKeycardError(mutated((c) => (c.wallet.network = 'testnet')), 'WRONG_NETWORK'); // bcrt1 address on testnet
    expectKeycardError(mutated((c) => (c.firstAddress.address = keycardSampleMainnet.firstAddress.address)), 'WRONG_NETWORK');
    expectKeycardError(keycardSample, 'WRONG_NETWORK', { network: 'mainnet' });
  });

  it('WRONG_WALLET: a card for another wallet than expected', () => {
    expectKeycardError(keycardSample, 'WRONG_WALLET', { walletId: keycardSampleMainnet.wallet.id });
  });

  it('DESCRIPTOR_CHECKSUM: one character of the descriptor changed', () => {
    expectKeycardError(mutated((c) => (c.wallet.descriptor = c.wallet.descriptor.replace('/<0;1>/*,', '/<1;0>/*,'))), 'DESCRIPTOR_CHECKSUM');
    expectKeycardError(mutated((c) => (c.wallet.descriptor = c.wallet.descriptor.replace(/#.{8}$/, '#qqqqqqqq'))), 'DESCRIPTOR_CHECKSUM');
  });

  it('KEYCARD_INCONSISTENT: keys that are not the descriptor’s, a Box 3 that is not the co-signer, a wrong first address', () => {
    const { user } = keycardSample.keys;
    expectKeycardError(mutated((c) => (c.keys.backup = { ...user })), 'KEYCARD_INCONSISTENT');
    expectKeycardError(mutated((c) => (c.keys.user.fingerprint = '00000000')), 'KEYCARD_INCONSISTENT');
    expectKeycardError(mutated((c) => (c.box3 = { ...user })), 'KEYCARD_INCONSISTENT');
    expectKeycardError(mutated((c) => (c.keys.cosigner.path = "m/48'/1'/0'/1'")), 'KEYCARD_INCONSISTENT'); // not the xpub's own index
    // A valid regtest address, but not this wallet's receive address 0.
    expectKeycardError(mutated((c) => (c.firstAddress.address = 'bcrt1qvp8rgz0hhcz4q4u0rulz2z3a7xkkmmtd9ehxruvhj8r3w3tyd4qsnrwyfu')), 'KEYCARD_INCONSISTENT');
  });

  it('errors carry a message for the person in front of the screen', () => {
    const error = expectKeycardError(mutated((c) => delete c.box2), 'KEYCARD_MALFORMED');
    expect(error.message).toMatch(/^box2: .*Use the original PDF/);
  });
});

describe('QR texts of a card', () => {
  it('makes each box self-describing: wallet id and key role travel with the envelope', () => {
    const texts = keycardQrTexts(keycardSample);
    expect(texts.DESC).toBe(keycardSample.wallet.descriptor);
    expect(JSON.parse(texts.BOX1)).toEqual({ box: 1, walletId: keycardSample.wallet.id, keyRole: 'user', envelope: keycardSample.box1 });
    expect(JSON.parse(texts.BOX2)).toEqual({ box: 2, walletId: keycardSample.wallet.id, keyRole: 'backup', envelope: keycardSample.box2 });
    expect(texts.BOX3).toBe(`[e6eb1e9f/48'/1'/0'/2']${keycardSample.box3.xpub}`);
    expect(JSON.parse(texts.BOX4)).toEqual({ box: 4, walletId: keycardSample.wallet.id, recovery: keycardSample.box4 });
    expect(keycardQrTag(keycardSample)).toBe('3F0C9B7E');
  });
});

// ---------------------------------------------------------------------------------------------
// docs/keycard.schema.json ≡ KeycardDataSchema

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'title', 'description', 'format', 'examples', 'default']);
const publishedSchema = JSON.parse(readFileSync('docs/keycard.schema.json', 'utf8')) as JsonObject;

function resolveRef(root: JsonObject, ref: string): JsonObject {
  const target = ref.replace(/^#\//, '').split('/').reduce<Json>((node, key) => (node as JsonObject)[key] as Json, root);
  if (!isObject(target)) throw new Error(`unresolved ${ref}`);
  return target;
}

/** Validation keywords only, `$ref`s inlined (their siblings apply too), `{}` read as `true`. */
function normalize(schema: Json, root: JsonObject): Json {
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    const { $ref, ...siblings } = schema;
    return normalize({ ...resolveRef(root, $ref), ...siblings }, root);
  }
  const out: JsonObject = {};
  for (const key of Object.keys(schema).sort()) {
    const value = schema[key] as Json;
    if (ANNOTATIONS.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.keys(value).sort().map((name) => [name, normalize(value[name] as Json, root)]));
    } else if (key === 'additionalProperties' && isObject(value) && Object.keys(value).length === 0) {
      out[key] = true;
    } else if (key === 'required' && Array.isArray(value)) {
      out[key] = [...value].sort();
    } else {
      out[key] = normalize(value, root);
    }
  }
  return out;
}

/** Just enough JSON Schema 2020-12 to validate a card: the keywords the published schema uses. */
function validate(value: unknown, schema: Json, root: JsonObject, path = '$'): string[] {
  if (schema === true) return [];
  if (!isObject(schema)) return [`${path}: schema false`];
  if (typeof schema.$ref === 'string') {
    const { $ref, ...siblings } = schema;
    return [...validate(value, resolveRef(root, $ref), root, path), ...validate(value, siblings, root, path)];
  }
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path}: ${why}`);
  const types: Record<string, (v: unknown) => boolean> = {
    object: isObject,
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => Number.isInteger(v),
  };
  if (typeof schema.type === 'string' && !types[schema.type]?.(value)) return [`${path}: not ${schema.type}`];
  if ('const' in schema && value !== schema.const) fail(`not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value as Json)) fail('not in enum');
  if (typeof value === 'string') {
    const length = Array.from(value).length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) fail('too short');
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) fail('too long');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum');
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const name of Array.isArray(schema.required) ? schema.required : []) if (!(String(name) in value)) fail(`missing ${name}`);
    for (const [name, member] of Object.entries(value)) {
      const sub = name in properties ? properties[name] : schema.additionalProperties ?? true;
      errors.push(...validate(member, sub as Json, root, `${path}.${name}`));
      if (schema.propertyNames !== undefined) errors.push(...validate(name, schema.propertyNames, root, `${path}[${name}]`));
    }
  }
  return errors;
}

describe('docs/keycard.schema.json', () => {
  it('says exactly what KeycardDataSchema says (z.toJSONSchema, annotations aside)', () => {
    const generated = z.toJSONSchema(KeycardDataSchema) as JsonObject;
    expect(normalize(publishedSchema, publishedSchema)).toEqual(normalize(generated, generated));
  });

  it('validates the sample cards, and rejects what the zod schema rejects', () => {
    for (const card of [keycardSample, keycardSampleMainnet]) expect(validate(card, publishedSchema, publishedSchema)).toEqual([]);
    const bad = [
      mutated((c) => delete c.box2),
      mutated((c) => (c.wallet.network = 'signet')),
      mutated((c) => (c.box1.params.iterations = -1)),
      mutated((c) => (c.keys.user.extra = 1)),
      mutated((c) => (c.confirmCode = 'k7m-4qx')),
    ];
    for (const card of bad) {
      expect(validate(card, publishedSchema, publishedSchema)).not.toEqual([]);
      expect(KeycardDataSchema.safeParse(card).success).toBe(false);
    }
  });
});
