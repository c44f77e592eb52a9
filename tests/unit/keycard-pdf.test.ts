/**
 * The key card PDF, read back with independent tools (poppler-utils, zbar-tools; installed by
 * `scripts/setup.sh --test`): page size, printed text, every QR code decoded from a 150 dpi
 * rendering, the embedded keystead-keycard.json attachment, metadata, and blank margins.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCARD_QR_LABELS, keycardQrTexts, type KeycardData } from '@/lib/keycard/data';
import { buildKeycardPdf, extractKeycardFromPdf, printable } from '@/lib/keycard/pdf';
import { decodeQrParts } from '@/lib/keycard/qr-parts';
import { keycardSample, keycardSampleMainnet } from '../fixtures/keycard-sample';

const MM = 72 / 25.4;
const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface Case {
  name: string;
  card: KeycardData;
  paper: 'a4' | 'letter';
  qrMaxBytes?: number;
  points: [number, number];
}

const cases: Case[] = [
  { name: 'A4, regtest', card: keycardSample, paper: 'a4', points: [595, 842] },
  { name: 'Letter, mainnet', card: keycardSampleMainnet, paper: 'letter', points: [612, 792] },
  { name: 'Letter, regtest, boxes split into QR parts', card: keycardSample, paper: 'letter', qrMaxBytes: 300, points: [612, 792] },
];

const DPI = 150; // what an office scanner or a phone photo of a printed page gives, or less

interface Built {
  file: string;
  bytes: Uint8Array;
  /** Every page rendered at DPI, 8-bit grey (PGM: pdftoppm's renderer without PNG encoding). */
  pages: string[];
}

let dir: string;
const built = new Map<Case, Built>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'keycard-pdf-'));
  for (const [i, c] of cases.entries()) {
    const bytes = await buildKeycardPdf(c.card, { paper: c.paper, qrMaxBytes: c.qrMaxBytes });
    const file = path.join(dir, `card-${i}.pdf`);
    writeFileSync(file, bytes);
    run('pdftoppm', ['-r', String(DPI), '-gray', file, `${file}-page`]);
    const pages = readdirSync(dir).filter((f) => f.startsWith(`card-${i}.pdf-page`)).sort().map((f) => path.join(dir, f));
    built.set(c, { file, bytes, pages });
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What zbarimg reads from the rendered pages, one payload per line (it exits 4 for a page with none). */
function scanQrCodes(pages: string[]): string[] {
  const result = spawnSync('zbarimg', ['--raw', '-q', ...pages], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result.stdout.split('\n').filter(Boolean);
}

function readPgm(file: string): { width: number; height: number; pixels: Uint8Array } {
  const data = readFileSync(file);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('unexpected PGM header');
  return { width: Number(header[1]), height: Number(header[2]), pixels: data.subarray(header[0].length) };
}

describe.each(cases)('key card PDF: $name', (c) => {
  const pdf = () => built.get(c) as Built;

  it('has the paper size asked for, and the key card metadata', () => {
    const info = run('pdfinfo', [pdf().file]);
    const [width, height] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)?.slice(1).map(Number) ?? [];
    expect(Math.round(width ?? 0)).toBe(c.points[0]);
    expect(Math.round(height ?? 0)).toBe(c.points[1]);
    expect(info).toMatch(/Subject:\s+keystead-keycard v1/);
    expect(info).toMatch(new RegExp(`Keywords:.*wallet ${c.card.wallet.id}`));
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBeLessThanOrEqual(6);
  });

  it('prints the wallet, the confirmation code, the descriptor checksum, the first address and the instructions', () => {
    const text = run('pdftotext', ['-layout', pdf().file, '-']);
    const { wallet } = c.card;
    const tokens = [printable(wallet.name), printable(wallet.orgName), wallet.id, c.card.confirmCode, c.card.firstAddress.address];
    for (const token of tokens) expect(text).toContain(token);
    expect(text).toMatch(new RegExp(`Checksum\\s+${wallet.descriptor.slice(-8)}\\s`));
    // Sentences wrap inside their boxes: read them in content order, whitespace collapsed.
    const prose = run('pdftotext', ['-raw', pdf().file, '-']).replace(/\s+/g, ' ');
    for (const sentence of [
      'Keystead key card',
      'Type this code in Keystead to activate the wallet.',
      'Keep this card safe',
      'Store this card and the wallet password in different places',
      'Never share the password.',
      'How to recover the funds without Keystead',
      'This card and the password are enough to recover the funds with no Keystead server',
      'Decrypt Box 1 and Box 2 with the wallet password.',
      'Encrypted user key (Key #1)',
      'Encrypted backup key (Key #2)',
      'Co-signer public key (Key #3)',
      'Encrypted wallet password (for assisted recovery)',
    ]) {
      expect(prose).toContain(sentence);
    }
    expect(text.includes('TEST NETWORK — not real bitcoin')).toBe(wallet.network !== 'mainnet');
    const pages = (text.match(/\f/g) ?? []).length + (text.endsWith('\f') ? 0 : 1);
    expect(text).toContain(`— page 1 of ${pages}`);
    expect(text).toContain(`— page ${pages} of ${pages}`);
  });

  it('has QR codes that decode, scanned from paper resolution, to every box exactly', () => {
    const payloads = scanQrCodes(pdf().pages);
    const texts = decodeQrParts(payloads);
    const expected = keycardQrTexts(c.card);
    expect([...texts.keys()].sort()).toEqual([...KEYCARD_QR_LABELS].sort());
    for (const label of KEYCARD_QR_LABELS) expect(texts.get(label)).toBe(expected[label]);
    if (c.qrMaxBytes) {
      expect(payloads.length).toBeGreaterThan(KEYCARD_QR_LABELS.length);
      expect(run('pdftotext', [pdf().file, '-'])).toContain('BOX4 · part 1 of 3');
    } else {
      expect(payloads).toHaveLength(KEYCARD_QR_LABELS.length);
    }
  });

  it('embeds keystead-keycard.json as a real attachment that gives back the card', () => {
    expect(run('pdfdetach', ['-list', pdf().file])).toMatch(/1: keystead-keycard\.json/);
    const out = path.join(dir, `${path.basename(pdf().file)}.json`);
    run('pdfdetach', ['-save', '1', '-o', out, pdf().file]);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(c.card);
    expect(extractKeycardFromPdf(pdf().bytes, { walletId: c.card.wallet.id })).toEqual(c.card);
  });

  it('leaves at least 12 mm blank on every side of every page (prints without clipping)', () => {
    const margin = Math.floor((12 * MM * DPI) / 72);
    expect(pdf().pages.length).toBe(Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [pdf().file]))?.[1]));
    for (const [page, file] of pdf().pages.entries()) {
      const { width, height, pixels } = readPgm(file);
      let darkest = 255;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const inMargin = x < margin || y < margin || x >= width - margin || y >= height - margin;
          if (inMargin) darkest = Math.min(darkest, pixels[y * width + x] as number);
        }
      }
      expect(darkest, `page ${page + 1}`).toBe(255);
    }
  });
});

describe('key card PDF builder', () => {
  it('refuses to print an invalid card', async () => {
    const broken = { ...keycardSample, wallet: { ...keycardSample.wallet, descriptor: keycardSample.wallet.descriptor.replace('#rslxqfsz', '#qqqqqqqq') } };
    await expect(buildKeycardPdf(broken, { paper: 'a4' })).rejects.toMatchObject({ code: 'DESCRIPTOR_CHECKSUM' });
  });

  it('prints names in any script (unprintable characters become ?), and keeps them exact in the attachment', async () => {
    const card = { ...keycardSample, wallet: { ...keycardSample.wallet, name: 'Trésor 金庫 Ōsaka', orgName: 'Zürich Łódź AG' } };
    const bytes = await buildKeycardPdf(card, { paper: 'letter' });
    const file = path.join(dir, 'names.pdf');
    writeFileSync(file, bytes);
    const text = run('pdftotext', ['-layout', file, '-']);
    expect(printable(card.wallet.name)).toBe('Trésor ?? Osaka');
    expect(text).toContain('Trésor ?? Osaka');
    expect(text).toContain('Zürich ?ódz AG');
    expect(extractKeycardFromPdf(bytes).wallet.name).toBe('Trésor 金庫 Ōsaka');
  });

  it('reports a PDF without the attachment', () => {
    expect(() => extractKeycardFromPdf(new TextEncoder().encode('%PDF-1.3\n%%EOF\n'))).toThrow(expect.objectContaining({ code: 'ATTACHMENT_MISSING' }));
  });
});
