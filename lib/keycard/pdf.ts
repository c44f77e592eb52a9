/**
 * The key card PDF (docs/keycard-format.md §6): a document a custody officer prints and keeps in
 * a safe. Page 1 summarises the wallet, shows the confirmation code and says in plain language
 * how to keep and use the card; the next pages print the descriptor and the four boxes, each as
 * text and as KS1 QR codes. The card's JSON is embedded as a real PDF attachment (ISO 32000-1
 * §7.11.4 embedded file streams, §7.7.4 EmbeddedFiles name tree), written uncompressed so that
 * extractKeycardFromPdf can read it back without a PDF library.
 *
 * Runs in the browser and in Node. jspdf (~250 kB gzip) and qrcode are imported when a card is
 * built, never at module load: import this module dynamically from the wizard.
 * Only jspdf's built-in fonts (Helvetica, Courier: WinAnsiEncoding) are used.
 */
import type { jsPDF } from 'jspdf';
import type { QRCode } from 'qrcode';
import {
  KEYCARD_ATTACHMENT_NAME,
  KEYCARD_FORMAT,
  KEYCARD_PDF_SUBJECT,
  KeycardError,
  keycardQrTag,
  keycardQrTexts,
  parseKeycardData,
  type KeycardData,
  type KeycardEnvelope,
  type KeycardExpectations,
  type KeycardQrLabel,
} from './data';
import { QR_PART_MAX_BYTES, encodeQrParts, shortHash } from './qr-parts';

export interface KeycardPdfOptions {
  paper: 'a4' | 'letter';
  /** Largest QR payload in bytes before a box is split into parts (default 1,500). */
  qrMaxBytes?: number;
}

// ---------------------------------------------------------------------------------------------
// Geometry and style (millimetres; 1 pt = 25.4/72 mm)

const PT = 25.4 / 72;
const MARGIN = 16;
const CONTENT_BOTTOM_GAP = 22; // footer lives in the bottom 22 mm, its baseline 13 mm from the edge
const FOOTER_BASELINE_GAP = 13;
const PAD = 4;
const QR_MODULE_MM = 0.5; // ~2 px at 100 dpi: phones and 150 dpi scans read it
const QR_QUIET_MODULES = 4;
const QR_MIN_MM = 34;
const QR_SIDE_COLUMN_MAX_MM = 66;
const QR_ERROR_CORRECTION = 'Q'; // survives ~25% damage: paper kept for years gets folded and stained

type Rgb = readonly [number, number, number];
const INK: Rgb = [17, 24, 39];
const MUTED: Rgb = [84, 92, 105];
const RULE: Rgb = [196, 202, 211];
const ACCENT: Rgb = [22, 52, 92];
const WHITE: Rgb = [255, 255, 255];
const PANEL: Rgb = [243, 245, 248];
const CODE_FILL: Rgb = [255, 244, 204];
const CODE_BORDER: Rgb = [196, 140, 0];
const WARN_FILL: Rgb = [253, 236, 236];
const WARN_BORDER: Rgb = [185, 28, 28];
const WARN_INK: Rgb = [153, 27, 27];

interface TextStyle {
  font: 'helvetica' | 'courier';
  style: 'normal' | 'bold' | 'italic';
  size: number;
  color: Rgb;
}
const text = (size: number, style: TextStyle['style'] = 'normal', color: Rgb = INK): TextStyle => ({ font: 'helvetica', style, size, color });
const mono = (size: number, style: TextStyle['style'] = 'normal', color: Rgb = INK): TextStyle => ({ font: 'courier', style, size, color });
const lineHeight = (style: TextStyle) => style.size * PT * (style.font === 'courier' ? 1.25 : 1.32);

const NETWORK_LABEL: Record<KeycardData['wallet']['network'], string> = {
  mainnet: 'Bitcoin mainnet (real bitcoin)',
  testnet: 'Bitcoin testnet: TEST NETWORK',
  regtest: 'Bitcoin regtest: TEST NETWORK',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// ---------------------------------------------------------------------------------------------
// Public API

/** Builds the key card PDF for `data` (validated first: an invalid card is never printed). */
export async function buildKeycardPdf(data: KeycardData, opts: KeycardPdfOptions): Promise<Uint8Array> {
  const card = parseKeycardData(data);
  const [{ jsPDF: JsPdf }, qrcode] = await Promise.all([import('jspdf'), import('qrcode')]);
  // qrcode is CommonJS: some bundlers expose its exports only on `default` (esbuild does).
  const createQr = qrcode.default?.create ?? qrcode.create;
  const doc = new JsPdf({ unit: 'mm', format: opts.paper, orientation: 'portrait', compress: true, putOnlyUsedFonts: true });
  const json = `${JSON.stringify(card, null, 2)}\n`;
  const created = pdfDate(card.wallet.createdAt);
  doc.setCreationDate(created);
  doc.setFileId(shortHash(json).repeat(4));
  doc.setDocumentProperties({
    title: toAscii(`Keystead key card - ${card.wallet.name}`),
    subject: KEYCARD_PDF_SUBJECT,
    author: toAscii(card.wallet.orgName),
    creator: 'Keystead',
    keywords: `${KEYCARD_PDF_SUBJECT}, wallet ${card.wallet.id}, ${card.wallet.network}, attachment ${KEYCARD_ATTACHMENT_NAME}`,
  });
  attachFile(doc, {
    name: KEYCARD_ATTACHMENT_NAME,
    mimeType: 'application/json',
    description: `Keystead key card data (${KEYCARD_PDF_SUBJECT})`,
    modified: created,
    bytes: new TextEncoder().encode(json),
  });

  const qrs = qrCodes(card, opts.qrMaxBytes ?? QR_PART_MAX_BYTES, (payload) => createQr(payload, { errorCorrectionLevel: QR_ERROR_CORRECTION }));
  const layout = new Layout(doc);
  summaryPage(layout, card);
  layout.newPage();
  boxPages(layout, card, qrs);
  layout.footers(card);
  return new Uint8Array(doc.output('arraybuffer'));
}

/**
 * Reads the card JSON back from a PDF made by buildKeycardPdf (its attachment is uncompressed).
 * A PDF re-saved by other software may compress it: then use a full PDF reader, or the QR codes.
 */
export function extractKeycardFromPdf(pdf: Uint8Array, expect: KeycardExpectations = {}): KeycardData {
  const text = binaryString(pdf); // byte i is char i: offsets in the text are offsets in the file
  for (let at = text.indexOf('/Type /EmbeddedFile'); at >= 0; at = text.indexOf('/Type /EmbeddedFile', at + 1)) {
    const streamAt = text.indexOf('stream\n', at);
    if (streamAt < 0) break;
    const dictionary = text.slice(at, streamAt);
    const length = /\/Length (\d+)/.exec(dictionary)?.[1];
    if (length === undefined || dictionary.includes('/Filter')) continue;
    const start = streamAt + 'stream\n'.length;
    const json = new TextDecoder().decode(pdf.subarray(start, start + Number(length)));
    if (json.includes(`"${KEYCARD_FORMAT}"`)) return parseKeycardData(json, expect);
  }
  throw new KeycardError('ATTACHMENT_MISSING');
}

// ---------------------------------------------------------------------------------------------
// QR codes

interface QrImage {
  readonly caption: string;
  readonly code: QRCode;
  readonly side: number;
}

function qrCodes(card: KeycardData, maxBytes: number, create: (payload: string) => QRCode): Record<KeycardQrLabel, QrImage[]> {
  const texts = keycardQrTexts(card);
  const cardTag = keycardQrTag(card);
  const entries = Object.entries(texts).map(([label, value]) => {
    const parts = encodeQrParts(label, value, { cardTag, maxBytes });
    const images = parts.map((payload, i) => {
      const code = create(payload);
      const side = Math.max(QR_MIN_MM, (code.modules.size + 2 * QR_QUIET_MODULES) * QR_MODULE_MM);
      return { caption: `${label} · part ${i + 1} of ${parts.length}`, code, side };
    });
    return [label, images] as const;
  });
  return Object.fromEntries(entries) as Record<KeycardQrLabel, QrImage[]>;
}

/** Dark modules as filled rectangles, one per horizontal run: sharp at any print resolution. */
function drawQr(doc: jsPDF, image: QrImage, x: number, y: number): void {
  const { modules } = image.code;
  const module = image.side / (modules.size + 2 * QR_QUIET_MODULES);
  const origin = QR_QUIET_MODULES * module;
  const overlap = module * 0.04; // hides hairline seams between rows in some renderers
  doc.setFillColor(...WHITE);
  doc.rect(x, y, image.side, image.side, 'F');
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

// ---------------------------------------------------------------------------------------------
// Layout: blocks of known height, placed top to bottom, a new page when one does not fit

interface Block {
  readonly height: number;
  draw(y: number): void;
}

class Layout {
  readonly doc: jsPDF;
  readonly left = MARGIN;
  readonly width: number;
  private readonly top = MARGIN;
  private readonly bottom: number;
  private y = MARGIN;

  constructor(doc: jsPDF) {
    this.doc = doc;
    this.width = doc.internal.pageSize.getWidth() - 2 * MARGIN;
    this.bottom = doc.internal.pageSize.getHeight() - CONTENT_BOTTOM_GAP;
  }

  stack(x = this.left, width = this.width): Stack {
    return new Stack(this.doc, x, width);
  }

  place(block: Block, gapAfter = 0): void {
    if (this.y + block.height > this.bottom && this.y > this.top) this.newPage();
    block.draw(this.y);
    this.y += block.height + gapAfter;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = this.top;
  }

  footers(card: KeycardData): void {
    const { doc } = this;
    const total = doc.getNumberOfPages();
    const name = truncate(printable(card.wallet.name), 48);
    const baseline = doc.internal.pageSize.getHeight() - FOOTER_BASELINE_GAP;
    for (let page = 1; page <= total; page++) {
      doc.setPage(page);
      doc.setDrawColor(...RULE);
      doc.setLineWidth(0.2);
      doc.line(this.left, baseline - 4, this.left + this.width, baseline - 4);
      applyStyle(doc, text(7.5, 'normal', MUTED));
      doc.text(`Keystead key card — ${name} — page ${page} of ${total}`, this.left, baseline);
      doc.text(`Wallet ${card.wallet.id.slice(0, 8)} · ${KEYCARD_PDF_SUBJECT}`, this.left + this.width, baseline, { align: 'right' });
    }
  }
}

/** A column of text and drawings, measured before it is drawn. */
class Stack implements Block {
  height = 0;
  private readonly ops: Array<(y: number) => void> = [];

  constructor(
    private readonly doc: jsPDF,
    readonly x: number,
    readonly width: number,
  ) {}

  /** Word-wrapped text. */
  text(value: string, style: TextStyle, opts: { gap?: number; align?: 'left' | 'center'; indent?: number } = {}): this {
    const indent = opts.indent ?? 0;
    applyStyle(this.doc, style);
    const lines: string[] = this.doc.splitTextToSize(printable(value), this.width - indent);
    return this.lines(lines, style, { ...opts, indent });
  }

  /** Monospaced text cut at a fixed number of characters: every line is an exact slice. */
  mono(value: string, style: TextStyle, gap = 0): this {
    const perLine = Math.floor(this.width / (style.size * PT * 0.6));
    const lines = value.match(new RegExp(`.{1,${perLine}}`, 'gs')) ?? [''];
    return this.lines(lines, style, { gap });
  }

  /** A label in a fixed-width column, its value wrapped beside it. */
  field(label: string, value: string, valueStyle: TextStyle, labelWidth: number, gap = 1.2): this {
    applyStyle(this.doc, valueStyle);
    const lines: string[] = this.doc.splitTextToSize(printable(value), this.width - labelWidth);
    const top = this.height;
    this.ops.push((y) => {
      applyStyle(this.doc, text(8.5, 'normal', MUTED));
      this.doc.text(label, this.x, y + top + baseline(valueStyle)); // on the value's first baseline
    });
    return this.lines(lines, valueStyle, { gap, indent: labelWidth });
  }

  /** A bullet or number hanging in front of wrapped text. */
  item(marker: string, value: string, style: TextStyle, gap = 1.4): this {
    const indent = 5.5;
    const top = this.height;
    this.ops.push((y) => {
      applyStyle(this.doc, { ...style, style: 'bold' });
      this.doc.text(marker, this.x + 0.8, y + top + baseline(style));
    });
    return this.text(value, style, { gap, indent });
  }

  space(height: number): this {
    this.height += height;
    return this;
  }

  /** Anything else, `height` tall, painted at the stack's x and the top of that space. */
  paint(height: number, painter: (x: number, y: number) => void): this {
    const top = this.height;
    this.ops.push((y) => painter(this.x, y + top));
    this.height += height;
    return this;
  }

  draw(y: number): void {
    for (const op of this.ops) op(y);
  }

  private lines(lines: string[], style: TextStyle, opts: { gap?: number; align?: 'left' | 'center'; indent?: number }): this {
    const top = this.height;
    const lh = lineHeight(style);
    const x = opts.align === 'center' ? this.x + this.width / 2 : this.x + (opts.indent ?? 0);
    this.ops.push((y) => {
      applyStyle(this.doc, style);
      lines.forEach((line, i) => this.doc.text(line, x, y + top + baseline(style) + i * lh, { align: opts.align ?? 'left' }));
    });
    this.height += lines.length * lh + (opts.gap ?? 0);
    return this;
  }
}

/** Baseline of the first line below the top of its line box. */
function baseline(style: TextStyle): number {
  return style.size * PT * (style.font === 'courier' ? 0.9 : 0.98);
}

function applyStyle(doc: jsPDF, style: TextStyle): void {
  doc.setFont(style.font, style.style);
  doc.setFontSize(style.size);
  doc.setTextColor(...style.color);
}

/** Two columns side by side, as one block as tall as the taller. */
function columns(left: Block, right: Block): Block {
  return { height: Math.max(left.height, right.height), draw: (y) => (left.draw(y), right.draw(y)) };
}

/** `content` inside a padded, filled, bordered panel. */
function panel(doc: jsPDF, x: number, width: number, content: Block, look: { fill: Rgb; border: Rgb; lineWidth?: number }): Block {
  const height = content.height + 2 * PAD - 1;
  return {
    height,
    draw(y) {
      doc.setFillColor(...look.fill);
      doc.setDrawColor(...look.border);
      doc.setLineWidth(look.lineWidth ?? 0.3);
      doc.roundedRect(x, y, width, height, 1.5, 1.5, 'FD');
      content.draw(y + PAD);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Page 1: summary, confirmation code, keeping and recovering

function summaryPage(layout: Layout, card: KeycardData): void {
  const { doc } = layout;
  const { wallet } = card;
  const isTestNetwork = wallet.network !== 'mainnet';

  const header = layout.stack();
  header.paint(0, (x, y) => {
    applyStyle(doc, text(8, 'bold', WARN_INK));
    doc.text('CONFIDENTIAL — KEEP IN A SAFE', x + layout.width, y + 3, { align: 'right' });
  });
  header
    .text('Keystead key card', text(24, 'bold', ACCENT), { gap: 0.8 })
    .text(`Recovery document for a 2-of-3 multisig bitcoin wallet · format ${KEYCARD_PDF_SUBJECT}`, text(9.5, 'normal', MUTED), { gap: 2.5 })
    .paint(0.8, (x, y) => {
      doc.setDrawColor(...ACCENT);
      doc.setLineWidth(0.7);
      doc.line(x, y, x + layout.width, y);
    });
  layout.place(header, 5);

  if (isTestNetwork) {
    const banner = layout.stack(layout.left + PAD, layout.width - 2 * PAD)
      .text('TEST NETWORK — not real bitcoin', text(18, 'bold', WARN_INK), { align: 'center', gap: 0.8 })
      .text(`This card is for a Bitcoin ${wallet.network} wallet. Its coins have no value. Never send real bitcoin to its addresses.`, text(9, 'normal', WARN_INK), { align: 'center' });
    layout.place(panel(doc, layout.left, layout.width, banner, { fill: WARN_FILL, border: WARN_BORDER, lineWidth: 0.8 }), 5);
  }

  const codeWidth = 68;
  const details = layout.stack(layout.left, layout.width - codeWidth - 6);
  const labelWidth = 28;
  details
    .field('Wallet', wallet.name, text(13, 'bold'), labelWidth, 1.6)
    .field('Organisation', wallet.orgName, text(10.5), labelWidth, 1.6)
    .field('Network', NETWORK_LABEL[wallet.network], text(10.5, 'bold', isTestNetwork ? WARN_INK : INK), labelWidth, 1.6)
    .field('Wallet ID', wallet.id, mono(9), labelWidth, 1.6)
    .field('Created', formatUtc(wallet.createdAt), text(10.5), labelWidth, 1.6)
    .field('Policy', 'Any 2 of the 3 keys sign each transaction', text(10.5), labelWidth, 0);
  if (printable(wallet.name) !== wallet.name || printable(wallet.orgName) !== wallet.orgName) {
    details.space(1.5).text('Some characters of the names cannot be printed with this PDF’s fonts (shown as ?); the exact names are in the attached file.', text(7.5, 'italic', MUTED));
  }

  const codeX = layout.left + layout.width - codeWidth;
  const code = layout.stack(codeX + PAD, codeWidth - 2 * PAD)
    .text('CONFIRMATION CODE', text(8.5, 'bold', [120, 80, 0]), { align: 'center', gap: 1.5 })
    .text(card.confirmCode, mono(24, 'bold'), { align: 'center', gap: 2 })
    .text('Type this code in Keystead to activate the wallet.', text(9.5, 'bold'), { align: 'center', gap: 1 })
    .text('It is not secret: it only proves that this card was saved and can be read.', text(7.5, 'normal', MUTED), { align: 'center' });
  layout.place(columns(details, panel(doc, codeX, codeWidth, code, { fill: CODE_FILL, border: CODE_BORDER, lineWidth: 0.8 })), 5);

  const address = layout.stack(layout.left + PAD, layout.width - 2 * PAD)
    .text('First receive address (path 0/0)', text(8.5, 'bold', MUTED), { gap: 1 })
    .text(card.firstAddress.address, mono(10, 'bold'), { gap: 1.2 })
    .text('Check that Keystead shows this same address as the first receive address of the wallet. If it does not, do not use the wallet and tell your administrator.', text(8.5, 'normal', MUTED));
  layout.place(panel(doc, layout.left, layout.width, address, { fill: PANEL, border: RULE }), 6);

  const item = (marker: string, line: string) => layout.stack().item(marker, line, text(9.5));
  section(layout, 'Keep this card safe', KEEP_SAFE.map((line) => item('•', line)));
  layout.place(layout.stack().space(4));
  section(layout, 'How to recover the funds without Keystead', RECOVERY_STEPS.map((step, i) => item(`${i + 1}.`, step)));
}

const KEEP_SAFE = [
  'Store this card and the wallet password in different places: for example the card in a safe and the password in another safe or with another officer. Anyone who has both can move the funds.',
  'Never share the password. Never send a photo or scan of this card, and never type its contents into any website or app other than Keystead or the recovery software you chose.',
  'This card and the password are enough to recover the funds with no Keystead server, even if Keystead no longer exists.',
  'If the password is lost, Keystead can help you recover it with Box 4, but only when you hand over this card: Box 4 is useless without it.',
];

const RECOVERY_STEPS = [
  'Gather this card (paper or PDF), the wallet password, and wallet software that supports output descriptors (BIP380) and partially signed transactions (BIP174), for example Bitcoin Core or Sparrow.',
  'Decrypt Box 1 and Box 2 with the wallet password. Each gives a master private key (xprv… on mainnet, tprv… on test networks). The format is public (Keystead key card format v1, docs/keycard-format.md): Argon2id or PBKDF2-SHA256, then AES-256-GCM.',
  'In the wallet software, set up the wallet from the descriptor (next pages), with the two decrypted keys as Key #1 and Key #2 (same fingerprints and derivation paths as printed) and Box 3 as Key #3.',
  'Check that the first receive address matches the one printed above, then sign with Key #1 and Key #2. Neither Keystead nor its co-signer is needed.',
  'Afterwards, wipe the decrypted keys. If the card or the password may have been seen by someone else, move the funds to a new wallet.',
];

/** A heading and its blocks; the heading never ends a page alone. */
function section(layout: Layout, title: string, blocks: readonly Block[]): void {
  const { doc } = layout;
  const heading = layout.stack()
    .text(title, text(12.5, 'bold', ACCENT), { gap: 1 })
    .paint(2.2, (x, y) => {
      doc.setDrawColor(...RULE);
      doc.setLineWidth(0.3);
      doc.line(x, y, x + layout.width, y);
    });
  const [first, ...rest] = blocks;
  layout.place(first ? stacked(heading, first, 0) : heading);
  for (const block of rest) layout.place(block);
}

const CONTENTS: ReadonlyArray<readonly [string, string, string]> = [
  ['Descriptor', 'The public description of the wallet: its three public keys and the 2-of-3 rule. Lets any wallet software find the addresses and the balance.', 'Public'],
  ['Box 1', 'Key #1, the user key: your organisation’s signing key, encrypted with the wallet password. Keystead keeps the same encrypted copy for everyday signing.', 'Encrypted'],
  ['Box 2', 'Key #2, the backup key, encrypted with the wallet password. It exists only on this card.', 'Encrypted'],
  ['Box 3', 'Key #3, the public key of Keystead’s co-signer. Its private key never leaves Keystead’s hardware security module.', 'Public'],
  ['Box 4', 'The wallet password, encrypted to Keystead’s recovery key, for assisted recovery if the password is lost.', 'Encrypted'],
];

function contentsRows(layout: Layout): Block[] {
  const { doc } = layout;
  const nameWidth = 24;
  const kindWidth = 22;
  return CONTENTS.map(([name, what, kind]) => {
    const left = layout.stack(layout.left, nameWidth).text(name, text(9.5, 'bold'));
    const middle = layout.stack(layout.left + nameWidth, layout.width - nameWidth - kindWidth - 4).text(what, text(9));
    const right = layout.stack(layout.left + layout.width - kindWidth, kindWidth).text(kind, text(8.5, 'bold', kind === 'Public' ? MUTED : ACCENT));
    const row = columns(columns(left, middle), right);
    return {
      height: row.height + 2.4,
      draw(y: number) {
        row.draw(y + 0.6);
        doc.setDrawColor(...RULE);
        doc.setLineWidth(0.15);
        doc.line(layout.left, y + row.height + 1.8, layout.left + layout.width, y + row.height + 1.8);
      },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Pages 2+: the descriptor and the four boxes

interface BoxSpec {
  badge: string;
  title: string;
  intro: string;
  /** Label, value; values marked `true` are codes and print in monospace. */
  fields: ReadonlyArray<readonly [string, string, boolean?]>;
  label: KeycardQrLabel;
  value: string;
}

function boxPages(layout: Layout, card: KeycardData, qrs: Record<KeycardQrLabel, QrImage[]>): void {
  const texts = keycardQrTexts(card);
  const { descriptor } = card.wallet;
  const place = (spec: Omit<BoxSpec, 'value'>) => layout.place(box(layout, { ...spec, value: texts[spec.label] }, qrs[spec.label]), 6);

  section(layout, 'What is on this card', contentsRows(layout));
  layout.place(layout.stack().space(6));

  place({
    badge: 'DESCRIPTOR',
    title: 'Wallet descriptor (BIP380)',
    intro: 'The public description of the wallet. Import it into descriptor wallet software to see the addresses and the balance; add Key #1 and Key #2 to sign.',
    fields: [
      ['Checksum', descriptor.slice(descriptor.lastIndexOf('#') + 1), true],
      ['Script', 'P2WSH, sortedmulti 2 of 3, receive /0/*, change /1/*'],
    ],
    label: 'DESC',
  });
  layout.place(keysTable(layout, card), 6);
  place({
    badge: 'BOX 3',
    title: 'Co-signer public key (Key #3)',
    intro: 'Public key of Keystead’s co-signer. Not secret: needed, with the descriptor, to rebuild the wallet’s addresses.',
    fields: [
      ['Fingerprint', card.box3.fingerprint, true],
      ['Path', card.box3.path, true],
    ],
    label: 'BOX3',
  });
  place(envelopeBox('BOX 1', 'Encrypted user key (Key #1)', 'Key #1, your organisation’s signing key, encrypted with the wallet password.', card.box1, 'BOX1'));
  place(envelopeBox('BOX 2', 'Encrypted backup key (Key #2)', 'Key #2, the backup key, encrypted with the wallet password. It exists only on this card.', card.box2, 'BOX2'));
  place({
    badge: 'BOX 4',
    title: 'Encrypted wallet password (for assisted recovery)',
    intro: 'The wallet password, encrypted to Keystead’s recovery key. Only Keystead can decrypt it, and only when you provide this card: it cannot reveal any key by itself.',
    fields: [
      ['Algorithm', `${card.box4.alg} with ${card.box4.hash}`],
      ['Recovery key', card.box4.keyId, true],
    ],
    label: 'BOX4',
  });
}

function envelopeBox(badge: string, title: string, intro: string, envelope: KeycardEnvelope, label: KeycardQrLabel): Omit<BoxSpec, 'value'> {
  const params = Object.entries(envelope.params).map(([name, value]) => `${name}=${value}`).join(', ');
  return {
    badge,
    title,
    intro: `${intro} Decrypted, it is a BIP32 master private key (xprv/tprv).`,
    fields: [['Encryption', `${envelope.kdf} (${params}), then AES-256-GCM`]],
    label,
  };
}

function keysTable(layout: Layout, card: KeycardData): Block {
  const { doc } = layout;
  const rows = [
    ['Key #1', 'User key', 'Box 1 (encrypted)', card.keys.user],
    ['Key #2', 'Backup key', 'Box 2 (encrypted)', card.keys.backup],
    ['Key #3', 'Keystead co-signer', 'Box 3 (public)', card.keys.cosigner],
  ] as const;
  const widths = [18, 40, 38, 24];
  const heading = ['Key', 'Role', 'On this card', 'Fingerprint', 'Derivation path'];
  const inner = layout.stack(layout.left + PAD, layout.width - 2 * PAD);
  const rowHeight = 5.2;
  inner.text('The three keys (their full extended public keys are in the descriptor)', text(8.5, 'bold', MUTED), { gap: 1.5 });
  inner.paint(rowHeight * 4, (x, y) => {
    const cells = [heading, ...rows.map(([key, role, where, origin]) => [key, role, where, origin.fingerprint, origin.path])];
    cells.forEach((cellsOfRow, r) => {
      let cx = x;
      cellsOfRow.forEach((cell, c) => {
        const isCode = r > 0 && c >= 3;
        applyStyle(doc, r === 0 ? text(8, 'bold', MUTED) : isCode ? mono(9) : text(9, c === 0 ? 'bold' : 'normal'));
        doc.text(cell, cx, y + r * rowHeight + 3.6);
        cx += widths[c] ?? 0;
      });
    });
  });
  return panel(doc, layout.left, layout.width, inner, { fill: PANEL, border: RULE });
}

/** One box: a title bar, then text on the left and its QR code(s) on the right (or below). */
function box(layout: Layout, spec: BoxSpec, images: readonly QrImage[]): Block {
  const { doc } = layout;
  const titleHeight = 8;
  const qrBeside = images.length === 1 && (images[0] as QrImage).side <= QR_SIDE_COLUMN_MAX_MM;
  const qrColumn = qrBeside ? (images[0] as QrImage).side + 2 * PAD : 0;
  const body = layout.stack(layout.left + PAD, layout.width - 2 * PAD - qrColumn);
  body.text(spec.intro, text(9), { gap: 2 });
  for (const [label, value, isCode] of spec.fields) body.field(label, value, isCode ? mono(9.5, 'bold') : text(9.5), 26, 1);
  body
    .space(1.5)
    .text('Exact text in the QR code (line breaks are not part of it):', text(7.5, 'normal', MUTED), { gap: 0.8 })
    .mono(spec.value, mono(8.2), 1.2)
    .text(`SHA-256 check: ${shortHash(spec.value)} (first 8 hex digits of SHA-256 of the text above)`, text(7.5, 'normal', MUTED));

  const qrBlock = qrBeside ? qrStack(layout, images, layout.left + layout.width - qrColumn + PAD) : qrGrid(layout, images);
  const content: Block = qrBeside ? columns(body, qrBlock) : stacked(body, qrBlock, 3);
  const height = titleHeight + PAD + content.height + PAD;
  return {
    height,
    draw(y) {
      doc.setDrawColor(...RULE);
      doc.setLineWidth(0.35);
      doc.setFillColor(...ACCENT);
      doc.roundedRect(layout.left, y, layout.width, height, 1.5, 1.5, 'S');
      doc.rect(layout.left, y, layout.width, titleHeight, 'F');
      applyStyle(doc, text(10, 'bold', [180, 205, 235]));
      doc.text(spec.badge, layout.left + PAD, y + 5.5);
      const badgeWidth = doc.getTextWidth(spec.badge);
      applyStyle(doc, text(11, 'bold', WHITE));
      doc.text(spec.title, layout.left + PAD + badgeWidth + 4, y + 5.5);
      content.draw(y + titleHeight + PAD);
    },
  };
}

function qrStack(layout: Layout, images: readonly QrImage[], x: number): Block {
  const stack = new Stack(layout.doc, x, Math.max(...images.map((i) => i.side)));
  for (const image of images) qrWithCaption(layout.doc, stack, image);
  return stack;
}

/** QR codes in rows across the box, for boxes split into several parts. */
function qrGrid(layout: Layout, images: readonly QrImage[]): Block {
  const gap = 6;
  const inner = layout.width - 2 * PAD;
  const rows: QrImage[][] = [];
  for (const image of images) {
    const row = rows.at(-1);
    const used = row ? row.reduce((sum, i) => sum + i.side + gap, 0) : Infinity;
    if (row && used + image.side <= inner) row.push(image);
    else rows.push([image]);
  }
  const stack = new Stack(layout.doc, layout.left + PAD, inner);
  for (const row of rows) {
    let x = layout.left + PAD;
    const cells = row.map((image) => {
      const cell = new Stack(layout.doc, x, image.side);
      x += image.side + gap;
      return qrWithCaption(layout.doc, cell, image);
    });
    const line = cells.reduce<Block>((acc, cell) => columns(acc, cell), { height: 0, draw: () => {} });
    stack.paint(line.height, (_x, y) => line.draw(y));
  }
  return stack;
}

function qrWithCaption(doc: jsPDF, stack: Stack, image: QrImage): Stack {
  return stack
    .paint(image.side, (x, y) => drawQr(doc, image, x, y))
    .text(image.caption, text(8, 'bold', MUTED), { align: 'center', gap: 2 });
}

function stacked(first: Block, second: Block, gap: number): Block {
  return { height: first.height + gap + second.height, draw: (y) => (first.draw(y), second.draw(y + first.height + gap)) };
}

// ---------------------------------------------------------------------------------------------
// The PDF attachment (a small plugin on jspdf's internal events)

/** The parts of jspdf's plugin API (`doc.internal`) this module uses; absent from its types. */
interface JsPdfPluginApi {
  events: { subscribe(topic: string, handler: () => void): string };
  newObject(): number;
  out(line: string): void;
  putStream(options: { data: string; filters: string[]; objectId: number; additionalKeyValues: Array<{ key: string; value: string | number }> }): void;
}

/**
 * Embeds `bytes` as a file attachment: an /EmbeddedFile stream, its /Filespec, and a one-entry
 * /EmbeddedFiles name tree referenced from the catalog's /Names. Objects are written after the
 * page resources (`postPutResources`) and the catalog entry while the catalog is written
 * (`putCatalog`), the same hooks jspdf's own addJS plugin uses.
 */
function attachFile(doc: jsPDF, file: { name: string; mimeType: string; description: string; modified: string; bytes: Uint8Array }): void {
  const api = doc.internal as unknown as JsPdfPluginApi;
  let namesTree: number | undefined;
  api.events.subscribe('postPutResources', () => {
    const stream = api.newObject();
    api.putStream({
      data: binaryString(file.bytes),
      filters: [], // uncompressed: readable by extractKeycardFromPdf and by eye
      objectId: stream,
      additionalKeyValues: [
        { key: 'Type', value: '/EmbeddedFile' },
        { key: 'Subtype', value: `/${file.mimeType.replace('/', '#2F')}` },
        { key: 'Params', value: `<< /Size ${file.bytes.length} /ModDate (${file.modified}) >>` },
      ],
    });
    api.out('endobj');
    const filespec = api.newObject();
    api.out(`<< /Type /Filespec /F (${pdfString(file.name)}) /UF (${pdfString(file.name)}) /Desc (${pdfString(file.description)}) /EF << /F ${stream} 0 R /UF ${stream} 0 R >> >>`);
    api.out('endobj');
    namesTree = api.newObject();
    api.out(`<< /Names [(${pdfString(file.name)}) ${filespec} 0 R] >>`);
    api.out('endobj');
  });
  api.events.subscribe('putCatalog', () => {
    if (namesTree !== undefined) api.out(`/Names << /EmbeddedFiles ${namesTree} 0 R >>`);
  });
}

/** A PDF literal string body for ASCII text (ISO 32000-1 §7.3.4.2). */
function pdfString(value: string): string {
  return toAscii(value).replace(/[\\()]/g, (ch) => `\\${ch}`);
}

/** Bytes as a string of char codes 0–255: jspdf's output encoding. */
function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) out += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const isWinAnsi = (ch: string) => /^[\u0020-\u007e\u00a0-\u00ff]$/.test(ch) || WIN_ANSI_EXTRA.includes(ch);

/** What Helvetica/Courier (WinAnsiEncoding) can print: accents kept where possible, else '?'. */
export function printable(value: string): string {
  return Array.from(value.normalize('NFC'), (ch) => (isWinAnsi(ch) ? ch : Array.from(ch.normalize('NFKD')).filter(isWinAnsi).join('') || '?')).join('');
}

/** PDF metadata strings stay ASCII (PDFDocEncoding differs from WinAnsi above 0x7f). */
function toAscii(value: string): string {
  return Array.from(value.normalize('NFKD'), (ch) => (/^[\u0020-\u007e]$/.test(ch) ? ch : /\p{M}/u.test(ch) ? '' : '?')).join('');
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** ISO 32000-1 §7.9.4 date in UTC, e.g. D:20261125140327+00'00' (the same on every machine). */
function pdfDate(iso: string): string {
  return `D:${iso.slice(0, 19).replace(/[-T:]/g, '')}+00'00'`;
}

function formatUtc(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}
