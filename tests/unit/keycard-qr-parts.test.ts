/**
 * KS1 QR part format (docs/keycard-format.md §5): known answers (hashed here by Node's own
 * SHA-256, not our code path), round trips, order independence, and a typed error for every way
 * a set of scans can be wrong.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { QrPartError, decodeQrParts, encodeQrParts, parseQrPart, type QrPartErrorCode } from '@/lib/keycard/qr-parts';

const cardTag = '3F0C9B7E';
const nodeShortHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8).toUpperCase();
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

function expectQrError(run: () => unknown, code: QrPartErrorCode): QrPartError {
  try {
    run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(QrPartError);
    expect((error as QrPartError).code).toBe(code);
    return error as QrPartError;
  }
  throw new Error(`expected QrPartError ${code}`);
}

/** A deterministic text of `n` characters: base64-like, with some multi-byte characters. */
function longText(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/é€😀';
  const chars = Array.from(alphabet);
  return Array.from({ length: n }, (_, i) => chars[(i * 7919) % chars.length]).join('');
}

/** Rebuilds a part with a chosen header/data and a correct per-part checksum. */
function forgePart(fields: { label?: string; i: number; n: number; whole: string; data: string }): string {
  const head = `KS1/${cardTag}/${fields.label ?? 'BOX1'}/${fields.i}OF${fields.n}/${fields.whole}/`;
  return `${head}${nodeShortHash(head + fields.data)}/${fields.data}`;
}

describe('KS1 encoding', () => {
  it('matches the worked examples of the spec (checksums = first 8 hex of SHA-256)', () => {
    expect(encodeQrParts('NOTE', 'Hello, key card!', { cardTag: 'DEMO' })).toEqual(['KS1/DEMO/NOTE/1OF1/5D27D517/52CF330E/Hello, key card!']);
    expect(nodeShortHash('Hello, key card!')).toBe('5D27D517');
    expect(nodeShortHash('KS1/DEMO/NOTE/1OF1/5D27D517/Hello, key card!')).toBe('52CF330E');
    const box3 = "[e6eb1e9f/48'/1'/0'/2']tpubDF19uBSakbzCRxAW19pTyS89ovmxbHhdPQLugbconTYjCT2Ynf9XJtu3jCuzwZgZ7NtC1mz4A58fiqwYt53E1sPJMgyKPDeotURCe7EzXUK";
    expect(encodeQrParts('BOX3', box3, { cardTag, maxBytes: 120 })).toEqual([
      "KS1/3F0C9B7E/BOX3/1OF2/4CE05C47/CB94689A/[e6eb1e9f/48'/1'/0'/2']tpubDF19uBSakbzCRxAW19pTyS89ovmxbHhdPQLugbco",
      'KS1/3F0C9B7E/BOX3/2OF2/4CE05C47/CA04B1D4/nTYjCT2Ynf9XJtu3jCuzwZgZ7NtC1mz4A58fiqwYt53E1sPJMgyKPDeotURCe7EzXUK',
    ]);
  });

  it('splits into near-equal parts that each fit maxBytes, with consistent headers', () => {
    const text = longText(5000);
    const parts = encodeQrParts('BOX4', text, { cardTag, maxBytes: 1500 });
    expect(parts.length).toBeGreaterThan(3);
    const whole = nodeShortHash(text);
    parts.forEach((part, i) => {
      expect(utf8Bytes(part)).toBeLessThanOrEqual(1500);
      expect(part.startsWith(`KS1/${cardTag}/BOX4/${i + 1}OF${parts.length}/${whole}/`)).toBe(true);
    });
    const sizes = parts.map((p) => utf8Bytes(parseQrPart(p).data));
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(4); // one character at most
    expect(parts.map((p) => parseQrPart(p).data).join('')).toBe(text);
  });

  it('keeps a text that fits in one part whole, and never splits a UTF-8 character', () => {
    expect(encodeQrParts('DESC', 'x'.repeat(1400), { cardTag })).toHaveLength(1);
    const emoji = '😀'.repeat(100);
    for (const part of encodeQrParts('BOX1', emoji, { cardTag, maxBytes: 90 })) expect(parseQrPart(part).data).toMatch(/^(😀)+$/u);
  });

  it('encodes the empty text as one part', () => {
    expect(decodeQrParts(encodeQrParts('BOX2', '', { cardTag })).get('BOX2')).toBe('');
  });

  it('rejects labels and card tags outside [0-9A-Z], and a maxBytes that leaves no room', () => {
    expect(() => encodeQrParts('box1', 'x', { cardTag })).toThrow(RangeError);
    expect(() => encodeQrParts('BOX1', 'x', { cardTag: 'card/1' })).toThrow(RangeError);
    expect(() => encodeQrParts('BOX1', 'x', { cardTag, maxBytes: 40 })).toThrow(RangeError);
    expect(() => encodeQrParts('BOX1', 'x'.repeat(20_000), { cardTag, maxBytes: 200 })).toThrow(RangeError);
  });
});

describe('KS1 decoding', () => {
  const descriptor = `wsh(sortedmulti(2,${longText(420)}))#rslxqfsz`;
  const box4 = longText(2600);
  const all = [...encodeQrParts('DESC', descriptor, { cardTag }), ...encodeQrParts('BOX4', box4, { cardTag, maxBytes: 700 })];

  it('round-trips several labels from parts in any order', () => {
    expect(all.length).toBeGreaterThan(4);
    const shuffled = [...all].reverse();
    shuffled.push(shuffled.shift() as string);
    for (const order of [all, shuffled]) {
      const texts = decodeQrParts(order);
      expect([...texts.keys()].sort()).toEqual(['BOX4', 'DESC']);
      expect(texts.get('DESC')).toBe(descriptor);
      expect(texts.get('BOX4')).toBe(box4);
    }
  });

  it('accepts the same code scanned twice', () => {
    expect(decodeQrParts([...all, all[0] as string, all[3] as string]).get('BOX4')).toBe(box4);
  });

  it('PART_MISSING names the parts still to scan', () => {
    const parts = encodeQrParts('BOX4', box4, { cardTag, maxBytes: 700 });
    const error = expectQrError(() => decodeQrParts(parts.filter((_, i) => i !== 1)), 'PART_MISSING');
    expect(error.label).toBe('BOX4');
    expect(error.missing).toEqual([2]);
    expect(error.message).toContain(`part 2 of ${parts.length}`);
  });

  it('PART_CHECKSUM: a damaged character in the data or in the header', () => {
    const [part] = encodeQrParts('BOX1', 'some envelope text', { cardTag });
    expectQrError(() => decodeQrParts([(part as string).replace('envelope', 'envelopE')]), 'PART_CHECKSUM');
    expectQrError(() => decodeQrParts([(part as string).replace('/BOX1/', '/BOX2/')]), 'PART_CHECKSUM');
  });

  it('PART_MALFORMED: a KS1 header that cannot be read', () => {
    expectQrError(() => parseQrPart('KS1/3F0C9B7E/BOX1/3OF2/00000000/00000000/x'), 'PART_MALFORMED');
    expectQrError(() => parseQrPart('KS1/3F0C9B7E/BOX1/01OF2/00000000/00000000/x'), 'PART_MALFORMED');
    expectQrError(() => parseQrPart('KS1/3f0c9b7e/BOX1/1OF1/00000000/00000000/x'), 'PART_MALFORMED');
  });

  it('NOT_KEYSTEAD_QR and UNSUPPORTED_VERSION: foreign codes', () => {
    expectQrError(() => decodeQrParts([...all, 'https://example.com/']), 'NOT_KEYSTEAD_QR');
    expectQrError(() => decodeQrParts(['UR:CRYPTO-PSBT/1-2/LPADAO']), 'NOT_KEYSTEAD_QR');
    expectQrError(() => decodeQrParts(['KS2/3F0C9B7E/BOX1/1OF1/00000000/00000000/x']), 'UNSUPPORTED_VERSION');
  });

  it('MIXED_CARDS: parts of two cards', () => {
    const other = encodeQrParts('BOX1', 'another card', { cardTag: 'A81F5C02' });
    expectQrError(() => decodeQrParts([...all, ...other]), 'MIXED_CARDS');
  });

  it('PART_CONFLICT: the same part with two contents, or one label printed twice differently', () => {
    const a = encodeQrParts('BOX1', longText(900), { cardTag, maxBytes: 500 });
    const b = encodeQrParts('BOX1', longText(901), { cardTag, maxBytes: 500 });
    expectQrError(() => decodeQrParts([...a, b[0] as string]), 'PART_CONFLICT');
    const whole = parseQrPart(a[0] as string).whole;
    const sameWholeOtherData = forgePart({ i: 1, n: a.length, whole, data: 'forged' });
    expectQrError(() => decodeQrParts([...a, sameWholeOtherData]), 'PART_CONFLICT');
    const otherCount = forgePart({ i: 1, n: a.length + 1, whole, data: parseQrPart(a[0] as string).data });
    expectQrError(() => decodeQrParts([...a.slice(1), otherCount]), 'PART_CONFLICT');
  });

  it('WHOLE_CHECKSUM: parts that each check out but do not join into the announced text', () => {
    const whole = nodeShortHash('hello world');
    const parts = [forgePart({ i: 1, n: 2, whole, data: 'hello ' }), forgePart({ i: 2, n: 2, whole, data: 'there' })];
    expectQrError(() => decodeQrParts(parts), 'WHOLE_CHECKSUM');
    const good = [forgePart({ i: 2, n: 2, whole, data: 'world' }), forgePart({ i: 1, n: 2, whole, data: 'hello ' })];
    expect(decodeQrParts(good).get('BOX1')).toBe('hello world');
  });

  it('decodes nothing to an empty map', () => {
    expect(decodeQrParts([]).size).toBe(0);
  });
});
