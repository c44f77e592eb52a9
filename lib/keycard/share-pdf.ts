/**
 * Password share cards (docs/password-shares.md): one PDF, one A4/Letter page per share, so the
 * set is printed in one go and each page handed to a different officer (call it with a single
 * share to get that officer's page alone). Each page: wallet name and id, "Share i of n — any k
 * recover the wallet password", the set code, the share text in large monospace groups (exactly
 * the QR payload, wrapped after a dash), a QR code of the share text, and instructions.
 *
 * Same conventions as pdf.ts (key card): jspdf + qrcode imported when a document is built, never
 * at module load; built-in fonts only (WinAnsi, via `printable`); QR error correction Q drawn as
 * vector rectangles. No attachment: the text and the QR are the whole content.
 */
import type { jsPDF } from 'jspdf';
import type { QRCode } from 'qrcode';
import { PasswordShareError, walletTag, type PasswordShare } from '@/lib/crypto/password-shares';
import { printable } from './pdf';

export const SHARE_PDF_SUBJECT = 'keystead-password-share v1';

export interface ShareCardsPdfOptions {
  walletName: string;
  paper: 'a4' | 'letter';
  /** Printed in full when given (must match the shares' wallet tag); else the 8-digit tag. */
  walletId?: string;
  /** ISO date printed on the cards and used as the PDF creation date (default: now). */
  createdAt?: string;
}

const PT = 25.4 / 72;
const MARGIN = 18;
const QR_MODULE_MM = 0.6;
const QR_QUIET = 4;
/** [font size in pt, groups of 5 per line], largest first. */
const TEXT_SIZES: ReadonlyArray<readonly [number, number]> = [
  [15, 6],
  [12, 8],
  [10, 10],
];
/** Height of the two instruction sections, measured on A4 at 9.5 pt. */
const INSTRUCTIONS_MM = 62;

type Rgb = readonly [number, number, number];
const INK: Rgb = [17, 24, 39];
const MUTED: Rgb = [84, 92, 105];
const ACCENT: Rgb = [22, 52, 92];
const RULE: Rgb = [196, 202, 211];
const PANEL: Rgb = [243, 245, 248];
const WARN: Rgb = [153, 27, 27];

export async function buildShareCardsPdf(shares: readonly PasswordShare[], opts: ShareCardsPdfOptions): Promise<Uint8Array> {
  const first = shares[0];
  if (!first) throw new RangeError('at least one share is needed');
  const indexes = new Set<number>();
  for (const s of shares) {
    if (s.setId !== first.setId || s.k !== first.k || s.n !== first.n || s.walletTag !== first.walletTag) throw new PasswordShareError('SHARE_MIXED_SETS');
    if (indexes.has(s.index)) throw new PasswordShareError('SHARE_DUPLICATE');
    indexes.add(s.index);
  }
  if (opts.walletId !== undefined && walletTag(opts.walletId) !== first.walletTag) throw new PasswordShareError('SHARE_WRONG_WALLET');

  const [{ jsPDF: JsPdf }, qrcode] = await Promise.all([import('jspdf'), import('qrcode')]);
  const createQr = qrcode.default?.create ?? qrcode.create;
  const doc = new JsPdf({ unit: 'mm', format: opts.paper, orientation: 'portrait', compress: true, putOnlyUsedFonts: true });
  const created = opts.createdAt ?? new Date().toISOString();
  doc.setCreationDate(`D:${created.slice(0, 19).replace(/[-T:]/g, '')}+00'00'`);
  doc.setDocumentProperties({
    title: ascii(`Keystead password shares - ${opts.walletName}`),
    subject: SHARE_PDF_SUBJECT,
    creator: 'Keystead',
    keywords: `${SHARE_PDF_SUBJECT}, wallet ${opts.walletId ?? first.walletTag}, set ${first.setId}, ${first.k} of ${first.n}`,
  });
  shares.forEach((share, i) => {
    if (i > 0) doc.addPage();
    sharePage(doc, share, opts, created, createQr(share.text, { errorCorrectionLevel: 'Q' }));
  });
  return new Uint8Array(doc.output('arraybuffer'));
}

function sharePage(doc: jsPDF, share: PasswordShare, opts: ShareCardsPdfOptions, created: string, qr: QRCode): void {
  const width = doc.internal.pageSize.getWidth() - 2 * MARGIN;
  const pageHeight = doc.internal.pageSize.getHeight();
  const left = MARGIN;
  let y = MARGIN;

  style(doc, 8, 'bold', WARN);
  doc.text('CONFIDENTIAL — ONE SHARE OF THE WALLET PASSWORD', left + width, y + 2, { align: 'right' });
  style(doc, 22, 'bold', ACCENT);
  doc.text('Keystead password share', left, y + 8);
  y += 12;
  style(doc, 14, 'bold', INK);
  doc.text(`Share ${share.index} of ${share.n} — any ${share.k} recover the wallet password`, left, y + 5);
  y += 9;
  doc.setDrawColor(...ACCENT);
  doc.setLineWidth(0.7);
  doc.line(left, y, left + width, y);
  y += 6;

  // Facts on the left, QR code on the right.
  const qrSide = (qr.modules.size + 2 * QR_QUIET) * QR_MODULE_MM;
  const factsWidth = width - qrSide - 6;
  const facts: Array<[string, string]> = [
    ['Wallet', printable(opts.walletName)],
    ['Wallet id', opts.walletId ?? `${share.walletTag}… (first 8 digits)`],
    ['Set', `Set ${share.setId} · ${share.k} of ${share.n}`],
    ['Share', `${share.index} of ${share.n}`],
    ['Made', created.slice(0, 10)],
  ];
  if (share.label) facts.push(['Note', printable(share.label)]);
  let fy = y;
  for (const [label, value] of facts) {
    style(doc, 9, 'normal', MUTED);
    doc.text(label, left, fy + 4);
    style(doc, 10.5, label === 'Set' ? 'bold' : 'normal', INK);
    const lines: string[] = doc.splitTextToSize(value, factsWidth - 24);
    doc.text(lines, left + 24, fy + 4);
    fy += 5.2 * lines.length + 1.2;
  }
  fy += 2;
  style(doc, 9, 'normal', INK);
  const about: string[] = doc.splitTextToSize(
    `This card holds one of ${share.n} shares of the wallet password. Any ${share.k} cards of set ${share.setId} together give the password back, with no Keystead server. Fewer than ${share.k} cards reveal nothing about it.`,
    factsWidth,
  );
  doc.text(about, left, fy + 3.5);
  fy += about.length * 9 * PT * 1.32 + 2;
  drawQr(doc, qr, left + width - qrSide, y, qrSide);
  style(doc, 8, 'normal', MUTED);
  doc.text('Scan to enter this share', left + width - qrSide / 2, y + qrSide + 3.5, { align: 'center' });
  y = Math.max(fy, y + qrSide + 6) + 4;

  // The share text: exactly the QR payload, wrapped after a dash, in large monospace.
  const fields = share.text.split('-');
  const header = fields.slice(0, 5).join('-');
  const rest = fields.slice(5);
  // Largest type that leaves room for the instructions below (long passwords make long shares).
  const room = pageHeight - 22 - INSTRUCTIONS_MM - y - 20;
  const [size, perLine] = TEXT_SIZES.find(([pt, groups]) => Math.ceil(rest.length / groups + 1) * pt * PT * 1.35 <= room) ?? (TEXT_SIZES.at(-1) as readonly [number, number]);
  const lines = [`${header}-`];
  for (let i = 0; i < rest.length; i += perLine) {
    const chunk = rest.slice(i, i + perLine).join('-');
    lines.push(i + perLine < rest.length ? `${chunk}-` : chunk);
  }
  const lh = size * PT * 1.35;
  const panelHeight = 12 + lines.length * lh + 8;
  doc.setFillColor(...PANEL);
  doc.setDrawColor(...RULE);
  doc.setLineWidth(0.3);
  doc.roundedRect(left, y, width, panelHeight, 1.5, 1.5, 'FD');
  style(doc, 8.5, 'normal', MUTED);
  doc.text('Share text (type it exactly; the line breaks are not part of it):', left + 4, y + 6);
  doc.setFont('courier', 'bold');
  doc.setFontSize(size);
  doc.setTextColor(...INK);
  lines.forEach((line, i) => doc.text(line, left + 4, y + 12 + size * PT * 0.9 + i * lh));
  style(doc, 8, 'normal', MUTED);
  doc.text('The last 8 characters are a checksum: a mistyped character is reported, never silently accepted.', left + 4, y + panelHeight - 3);
  y += panelHeight + 7;

  style(doc, 12, 'bold', ACCENT);
  doc.text('Keeping this card', left, y);
  y += 2;
  y = bullets(doc, left, y, width, [
    'Keep it in a safe place of your own, apart from the key card and from the other share cards. Do not photograph, scan or copy it.',
    'If this card is lost or may have been seen, tell the other holders: make a new set of shares (a new set code) and destroy every card of this set.',
  ]);
  y += 4;
  style(doc, 12, 'bold', ACCENT);
  doc.text('Recovering the wallet password', left, y);
  y += 2;
  bullets(doc, left, y, width, [
    `Bring together any ${share.k} cards of set ${share.setId} for this wallet (cards of another set are refused).`,
    'In Keystead’s recovery page or the offline recovery tool, scan each card’s QR code or type its text (letters in any case; O is read as 0, I and L as 1; spaces and line breaks are ignored).',
    'The password is rebuilt on your own computer; it is never sent anywhere. With it and the key card, decrypt Box 1 and Box 2. The format is public: docs/password-shares.md (Shamir secret sharing of an AES-256-GCM key).',
  ]);

  const footer = pageHeight - 12;
  doc.setDrawColor(...RULE);
  doc.setLineWidth(0.2);
  doc.line(left, footer - 4, left + width, footer - 4);
  style(doc, 7.5, 'normal', MUTED);
  doc.text(`Keystead password share — ${printable(opts.walletName).slice(0, 40)} — share ${share.index} of ${share.n}`, left, footer);
  doc.text(`Wallet ${share.walletTag} · set ${share.setId} · ${SHARE_PDF_SUBJECT}`, left + width, footer, { align: 'right' });
}

function bullets(doc: jsPDF, left: number, y: number, width: number, items: readonly string[]): number {
  const size = 9.5;
  const lh = size * PT * 1.32;
  items.forEach((item, i) => {
    style(doc, size, 'bold', INK);
    doc.text(`${i + 1}.`, left + 0.8, y + 4);
    style(doc, size, 'normal', INK);
    const lines: string[] = doc.splitTextToSize(printable(item), width - 6);
    doc.text(lines, left + 6, y + 4);
    y += lines.length * lh + 1.4;
  });
  return y;
}

function drawQr(doc: jsPDF, qr: QRCode, x: number, y: number, side: number): void {
  const { modules } = qr;
  const module = side / (modules.size + 2 * QR_QUIET);
  const origin = QR_QUIET * module;
  const overlap = module * 0.04;
  doc.setFillColor(255, 255, 255);
  doc.rect(x, y, side, side, 'F');
  doc.setFillColor(0, 0, 0);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      doc.rect(x + origin + start * module, y + origin + row * module, (col - start) * module + overlap, module + overlap, 'F');
    }
  }
}

function style(doc: jsPDF, size: number, weight: 'normal' | 'bold', color: Rgb): void {
  doc.setFont('helvetica', weight);
  doc.setFontSize(size);
  doc.setTextColor(...color);
}

function ascii(value: string): string {
  return Array.from(value.normalize('NFKD'), (ch) => (/^[\u0020-\u007e]$/.test(ch) ? ch : /\p{M}/u.test(ch) ? '' : '?')).join('');
}
