/**
 * Loading and unlocking a real key card for recovery: from its PDF, JSON, QR payloads (whole and
 * split) and typed boxes; typed errors for damage, missing parts, wrong network, tampered
 * descriptor, wrong password and a key that is not the card's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveAddresses } from '@/lib/crypto';
import { KEYCARD_QR_LABELS, keycardQrTag, keycardQrTexts, type KeycardData } from '@/lib/keycard/data';
import { buildKeycardPdf } from '@/lib/keycard/pdf';
import { encodeQrParts } from '@/lib/keycard/qr-parts';
import {
  RecoveryError,
  cardAddresses,
  loadKeycard,
  loadKeycardFromJson,
  loadKeycardFromPdf,
  loadKeycardFromQr,
  loadKeycardFromTexts,
  scanAddresses,
  unlockKeycard,
  type RecoveryErrorCode,
} from '@/lib/recovery';
import { RECOVERY_PASSWORD, makeTestCard, type TestCard } from './make-card';

async function expectRecoveryError(run: () => unknown, code: RecoveryErrorCode): Promise<RecoveryError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected RecoveryError ${code}`).toBeInstanceOf(RecoveryError);
  expect((caught as RecoveryError).code, String(caught)).toBe(code);
  return caught as RecoveryError;
}

function qrPayloads(card: KeycardData, maxBytes?: number): string[] {
  const texts = keycardQrTexts(card);
  return KEYCARD_QR_LABELS.flatMap((label) => encodeQrParts(label, texts[label], { cardTag: keycardQrTag(card), maxBytes }));
}

/** The fields QR codes carry (names, birthday and confirmation code are not on them). */
function recoverable(card: KeycardData) {
  const { wallet, keys, box1, box2, box3, box4, firstAddress } = card;
  return { id: wallet.id, network: wallet.network, descriptor: wallet.descriptor, keys, box1, box2, box3, box4, firstAddress };
}

let t: TestCard;
let pdf: Uint8Array;

beforeAll(async () => {
  t = await makeTestCard('regtest');
  pdf = await buildKeycardPdf(t.card, { paper: 'a4', qrMaxBytes: 300 });
});

describe('loading a key card', () => {
  it('reads the PDF, the JSON and (auto-detected) either of them', () => {
    expect(loadKeycardFromPdf(pdf, { network: 'regtest' })).toEqual(t.card);
    expect(loadKeycardFromJson(JSON.stringify(t.card), { network: 'regtest' })).toEqual(t.card);
    expect(loadKeycard(pdf)).toEqual(t.card);
    expect(loadKeycard(new TextEncoder().encode(JSON.stringify(t.card, null, 2)))).toEqual(t.card);
  });

  it('rebuilds the card from QR payloads, whole or split, in any order', () => {
    const whole = loadKeycardFromQr(qrPayloads(t.card), { network: 'regtest' });
    expect(recoverable({ ...whole, wallet: { ...whole.wallet } })).toEqual(recoverable(t.card));
    const split = qrPayloads(t.card, 300);
    expect(split.length).toBeGreaterThan(5);
    const shuffled = [...split].reverse();
    expect(recoverable(loadKeycardFromQr(shuffled, { network: 'regtest' }))).toEqual(recoverable(t.card));
    expect(recoverable(loadKeycard(split.join('\n'), { network: 'regtest' }))).toEqual(recoverable(t.card));
  });

  it('rebuilds the card from the typed box texts (line breaks and spaces ignored)', () => {
    const texts = keycardQrTexts(t.card);
    const typed = Object.fromEntries(Object.entries(texts).map(([label, text]) => [label, text.replace(/(.{40})/g, '$1\n  ')]));
    const card = loadKeycardFromTexts(typed, { network: 'regtest', name: 'Typed', createdAt: t.card.wallet.createdAt });
    expect(recoverable(card)).toEqual(recoverable(t.card));
    expect(card.wallet.name).toBe('Typed');
  });

  it('names a damaged QR part and a missing one', async () => {
    const parts = qrPayloads(t.card, 300);
    const i = parts.findIndex((p) => p.includes('/BOX2/2OF'));
    const damaged = [...parts];
    damaged[i] = damaged[i]!.slice(0, -3) + (damaged[i]!.endsWith('A') ? 'BBB' : 'AAA');
    const error = await expectRecoveryError(() => loadKeycardFromQr(damaged, { network: 'regtest' }), 'QR_PART_DAMAGED');
    expect(error.part).toBe('BOX2');
    const missing = await expectRecoveryError(() => loadKeycardFromQr(parts.filter((_, j) => j !== i), { network: 'regtest' }), 'QR_PART_MISSING');
    expect(missing.part).toBe('BOX2');
    const noBox3 = await expectRecoveryError(() => loadKeycardFromQr(parts.filter((p) => !p.includes('/BOX3/')), { network: 'regtest' }), 'QR_PART_MISSING');
    expect(noBox3.part).toBe('BOX3');
  });

  it('refuses a card of another network than expected', async () => {
    await expectRecoveryError(() => loadKeycardFromJson(JSON.stringify(t.card), { network: 'mainnet' }), 'WRONG_NETWORK');
    await expectRecoveryError(() => loadKeycardFromPdf(pdf, { network: 'testnet' }), 'WRONG_NETWORK');
    await expectRecoveryError(() => loadKeycardFromQr(qrPayloads(t.card), { network: 'mainnet' }), 'WRONG_NETWORK');
  });

  it('refuses a tampered descriptor checksum, and a descriptor naming other keys', async () => {
    const desc = t.card.wallet.descriptor;
    const tampered = desc.slice(0, -1) + (desc.endsWith('q') ? 'p' : 'q');
    const card = { ...t.card, wallet: { ...t.card.wallet, descriptor: tampered } };
    await expectRecoveryError(() => loadKeycardFromJson(card), 'DESCRIPTOR_CHECKSUM');
    const error = await expectRecoveryError(() => loadKeycardFromTexts({ ...keycardQrTexts(t.card), DESC: tampered }, { network: 'regtest' }), 'DESCRIPTOR_CHECKSUM');
    expect(error.part).toBe('DESC');
    const other = await makeTestCard('regtest');
    const foreign = { ...t.card, wallet: { ...t.card.wallet, descriptor: other.card.wallet.descriptor } };
    await expectRecoveryError(() => loadKeycardFromJson(foreign), 'CARD_INCONSISTENT');
  });

  it('says "wrong format" for other files', async () => {
    await expectRecoveryError(() => loadKeycard('{"format":"something-else","v":1}'), 'WRONG_FORMAT');
    await expectRecoveryError(() => loadKeycard('hello'), 'WRONG_FORMAT');
    await expectRecoveryError(() => loadKeycardFromPdf(new TextEncoder().encode('%PDF-1.3\n%%EOF\n')), 'WRONG_FORMAT');
    await expectRecoveryError(() => loadKeycardFromQr(['https://example.com'], { network: 'regtest' }), 'WRONG_FORMAT');
  });
});

describe('unlocking Box 1 and Box 2', () => {
  it('gives the two master keys with the right password', async () => {
    const keys = await unlockKeycard(t.card, RECOVERY_PASSWORD);
    expect(keys.user).toBe(t.user.masterXprv);
    expect(keys.backup).toBe(t.backup.masterXprv);
  });

  it('is WRONG_PASSWORD with another password', async () => {
    const error = await expectRecoveryError(() => unlockKeycard(t.card, RECOVERY_PASSWORD.toLowerCase()), 'WRONG_PASSWORD');
    expect(error.part).toBe('Box 1');
  });

  it('is KEY_MISMATCH when a box opens to a key the card does not name for that role', async () => {
    const swapped = loadKeycardFromJson({ ...t.card, keys: { ...t.card.keys, user: t.card.keys.backup, backup: t.card.keys.user } });
    const error = await expectRecoveryError(() => unlockKeycard(swapped, RECOVERY_PASSWORD), 'KEY_MISMATCH');
    expect(error.part).toBe('Box 1');
  });
});

describe('addresses', () => {
  it('are lib/crypto’s derivation of the card’s keys, starting with the printed first address', () => {
    for (const branch of [0, 1] as const) {
      expect(cardAddresses(t.card, branch, 0, 30)).toEqual(deriveAddresses(t.origins, 'regtest', branch, 0, 30));
    }
    expect(cardAddresses(t.card, 0, 0, 1)[0]!.address).toBe(t.card.firstAddress.address);
  });

  it('gap scan extends each branch until `gap` unused in a row', () => {
    const r = cardAddresses(t.card, 0, 0, 60);
    const c = cardAddresses(t.card, 1, 0, 10);
    const used = new Set([r[0]!.address, r[19]!.address, r[45]!.address, c[2]!.scriptPubKey]);
    const scan = scanAddresses(t.card, used); // gap 20: 0, 19 found; 20..39 unused → stops at 39
    expect(scan.receive).toHaveLength(40);
    expect(scan.change).toHaveLength(23);
    expect(scan.used.map((a) => `${a.branch}/${a.index}`)).toEqual(['0/0', '0/19', '1/2']);
    const wide = scanAddresses(t.card, used, { gap: 30 });
    expect(wide.used.map((a) => `${a.branch}/${a.index}`)).toEqual(['0/0', '0/19', '0/45', '1/2']);
    expect(wide.receive).toHaveLength(76);
    expect(scanAddresses(t.card, new Set(), { gap: 5, maxIndex: 9 }).receive).toHaveLength(10);
  });
});
