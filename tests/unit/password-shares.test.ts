/**
 * Password shares (lib/crypto/password-shares.ts, docs/password-shares.md): round trips, every
 * typo caught by the checksum, every bad share caught at combine, raw shares cross-checked with
 * the library's own combine and with an independent GF(2^8) Lagrange interpolation written here;
 * and the share-card PDF read back with pdftotext and zbarimg.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { combine } from 'shamir-secret-sharing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_SHARES,
  combineShares,
  parseShare,
  shareText,
  splitPassword,
  walletTag,
  type PasswordShare,
} from '@/lib/crypto/password-shares';
import { buildShareCardsPdf } from '@/lib/keycard/share-pdf';

const WALLET = '3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f';
const OTHER_WALLET = '9d8c7b6a-5f4e-4d3c-8b2a-0f1e2d3c4b5a';
const PASSWORD = 'Correct horse battery staple 42!';
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const code = async (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: { code?: string }) => e.code ?? String(e));
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

function* subsetsOf<T>(items: readonly T[], k: number, start = 0): Generator<T[]> {
  if (k === 0) return yield [];
  for (let i = start; i <= items.length - k; i++) for (const rest of subsetsOf(items, k - 1, i + 1)) yield [items[i] as T, ...rest];
}

/** Rebuilds a share with `edit` applied to its fields, with a correct checksum (a forged card). */
function forge(share: PasswordShare, edit: Partial<PasswordShare>): string {
  return shareText({ ...share, ...edit });
}

// Independent GF(2^8) arithmetic, AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11b), as the library documents.
function gfMul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    const carry = a & 0x80;
    a = (a << 1) & 0xff;
    if (carry) a ^= 0x1b;
    b >>= 1;
  }
  return p;
}
function gfInv(a: number): number {
  let r = 1; // a^254 = a^-1
  for (let i = 0; i < 254; i++) r = gfMul(r, a);
  return r;
}
/** f(0) from k points (x_j, y_j): sum_j y_j * prod_{m≠j} x_m / (x_m - x_j); minus is xor. */
function lagrangeAtZero(points: ReadonlyArray<readonly [number, number]>): number {
  let acc = 0;
  for (const [j, [xj, yj]] of points.entries()) {
    let basis = 1;
    for (const [m, [xm]] of points.entries()) if (m !== j) basis = gfMul(basis, gfMul(xm, gfInv(xm ^ xj)));
    acc ^= gfMul(yj, basis);
  }
  return acc;
}
function interpolateKey(shares: readonly Uint8Array[]): Uint8Array {
  const len = (shares[0] as Uint8Array).length - 1;
  return Uint8Array.from({ length: len }, (_, i) => lagrangeAtZero(shares.map((s) => [s[len] as number, s[i] as number] as const)));
}

describe('splitPassword / combineShares round trip', () => {
  it.each([
    [2, 2],
    [2, 3],
    [3, 5],
    [4, 7],
    [5, 10],
    [10, 10],
  ])('%i of %i: any k shares, in any order, give the password back', async (k, n) => {
    const shares = await splitPassword(PASSWORD, { k, n, walletId: WALLET });
    expect(shares).toHaveLength(n);
    expect(shares.map((s) => s.index)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(new Set(shares.map((s) => s.setId)).size).toBe(1);
    expect(await combineShares(shares.slice(0, k))).toBe(PASSWORD);
    expect(await combineShares(shares.slice(n - k).reverse().map((s) => s.text), { walletId: WALLET })).toBe(PASSWORD);
    expect(await combineShares(shares)).toBe(PASSWORD); // all n: every surplus share is checked too
  });

  it('3 of 5: every one of the 10 subsets of 3 shares (and of 4) recovers the password', async () => {
    const shares = await splitPassword(PASSWORD, { k: 3, n: 5, walletId: WALLET });
    let count = 0;
    for (const size of [3, 4]) {
      for (const subset of subsetsOf(shares, size)) {
        expect(await combineShares(subset.map((s) => s.text))).toBe(PASSWORD);
        count++;
      }
    }
    expect(count).toBe(15);
  });

  it('NFKC-normalises the password (as envelope.ts and recovery-box.ts do), and keeps any Unicode', async () => {
    const shares = await splitPassword('ｐａｓｓｗｏｒｄ ﬁ Ⅻ café 金庫', { k: 2, n: 3, walletId: WALLET });
    expect(await combineShares(shares.slice(1))).toBe('ｐａｓｓｗｏｒｄ ﬁ Ⅻ café 金庫'.normalize('NFKC'));
    const long = 'x'.repeat(100) + 'é'.repeat(78); // 256 UTF-8 bytes, the policy's maximum
    expect(await combineShares((await splitPassword(long, { k: 2, n: 2, walletId: WALLET })).slice(0, 2))).toBe(long);
  });

  it('hides the exact password length (16-byte blocks) and makes a new set every time', async () => {
    const a = await splitPassword('abcdefghijkl', { k: 2, n: 3, walletId: WALLET }); // 12 bytes
    const b = await splitPassword('abcdefghijklmno', { k: 2, n: 3, walletId: WALLET }); // 15 bytes
    expect(a[0]?.ciphertext.length).toBe(32);
    expect(b[0]?.ciphertext.length).toBe(32);
    expect(a[0]?.text.length).toBe(b[0]?.text.length);
    expect(a[0]?.setId).not.toBe(b[0]?.setId);
  });

  it('refuses impossible parameters', async () => {
    for (const [k, n] of [[1, 3], [3, 2], [2, 11], [0, 0], [2.5, 3]] as const) {
      await expect(splitPassword(PASSWORD, { k, n, walletId: WALLET })).rejects.toThrow(RangeError);
    }
    await expect(splitPassword('', { k: 2, n: 3, walletId: WALLET })).rejects.toThrow(TypeError);
    await expect(splitPassword('é'.repeat(129), { k: 2, n: 3, walletId: WALLET })).rejects.toThrow(RangeError);
    expect(MAX_SHARES).toBe(10);
  });
});

describe('share text', () => {
  let share: PasswordShare;
  beforeAll(async () => {
    [share] = (await splitPassword(PASSWORD, { k: 3, n: 5, walletId: WALLET })) as [PasswordShare];
  });

  it('has the documented layout, only QR alphanumeric characters, and parses back to itself', () => {
    expect(share.text).toMatch(/^KSS1-3F2A9C1E-3OF5-1-[0-9A-HJKMNP-TV-Z]{8}(-[0-9A-HJKMNP-TV-Z]{1,5})+-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(walletTag(WALLET)).toBe('3F2A9C1E');
    expect(walletTag('w_123')).toMatch(/^[0-9A-F]{8}$/);
    const parsed = parseShare(share.text);
    expect(parsed.text).toBe(share.text);
    expect(parsed).toMatchObject({ walletTag: '3F2A9C1E', k: 3, n: 5, index: 1, setId: share.setId });
    expect(parsed.share).toEqual(share.share);
    expect(parsed.ciphertext).toEqual(share.ciphertext);
  });

  it('reads typed text: lower case, spaces, line breaks, and the Crockford look-alikes O→0, I/L→1', () => {
    const typed = share.text.toLowerCase().replace(/-/g, ' - ').replace(/(.{40})/g, '$1\n');
    expect(parseShare(typed).text).toBe(share.text);
    const head = share.text.split('-').slice(0, 5).join('-');
    const tail = share.text.slice(head.length);
    const lookalikes = tail.replace(/0/g, 'O').replace(/1/g, 'l');
    expect(parseShare(head + lookalikes).text).toBe(share.text);
  });

  it('reports every single-character substitution anywhere after the KSS1 prefix as SHARE_CHECKSUM', () => {
    const text = share.text;
    // Field of each position: 0 prefix, 1 wallet, 2 k-of-n, 3 index, 4 set, 5+ body groups, last checksum.
    const fieldAt = (pos: number) => text.slice(0, pos).split('-').length - 1;
    let tried = 0;
    for (let pos = 'KSS1-'.length; pos < text.length; pos++) {
      if (text[pos] === '-') continue;
      const literal = fieldAt(pos) === 2 || fieldAt(pos) === 3; // k-of-n and index: no look-alike reading
      for (const ch of `${ALPHABET}OILU`) {
        if (ch === text[pos]) continue;
        const alias = !literal && ((text[pos] === '0' && ch === 'O') || (text[pos] === '1' && (ch === 'I' || ch === 'L')));
        const typo = text.slice(0, pos) + ch + text.slice(pos + 1);
        if (alias) {
          expect(parseShare(typo).text).toBe(text); // the same value, read as intended
          continue;
        }
        expect(codeOf(() => parseShare(typo)), `position ${pos}: ${text[pos]} → ${ch}`).toBe('SHARE_CHECKSUM');
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(3000);
  });

  it('reports every adjacent transposition, every deleted and every inserted character', () => {
    const text = share.text;
    for (let pos = 'KSS1-'.length; pos < text.length - 1; pos++) {
      if (text[pos] === text[pos + 1]) continue;
      const swapped = text.slice(0, pos) + text[pos + 1] + text[pos] + text.slice(pos + 2);
      if (text[pos] !== '-' && text[pos + 1] !== '-') {
        expect(codeOf(() => parseShare(swapped)), `swap at ${pos}`).toBe('SHARE_CHECKSUM');
      } else {
        // Moving a dash: harmless between body groups (they are only for reading), refused elsewhere.
        const result = codeOf(() => parseShare(swapped));
        expect(result === 'ok' ? parseShare(swapped).text : result, `dash moved at ${pos}`).toMatch(new RegExp(`^(SHARE_CHECKSUM|SHARE_FORMAT|${text})$`));
      }
    }
    for (let pos = 'KSS1-'.length; pos < text.length; pos++) {
      if (text[pos] === '-') continue;
      const deleted = text.slice(0, pos) + text.slice(pos + 1);
      expect(['SHARE_CHECKSUM', 'SHARE_FORMAT'], `delete at ${pos}`).toContain(codeOf(() => parseShare(deleted)));
    }
    for (let pos = 'KSS1-'.length; pos <= text.length; pos++) {
      for (const ch of ALPHABET) {
        const inserted = text.slice(0, pos) + ch + text.slice(pos);
        expect(['SHARE_CHECKSUM', 'SHARE_FORMAT'], `insert ${ch} at ${pos}`).toContain(codeOf(() => parseShare(inserted)));
      }
    }
  });

  it('refuses text that is not a share, or from an unknown version', () => {
    for (const bad of ['', 'hello', 'KSS1', 'KSS1-3F2A9C1E-3OF5-1', 'KS1/ABC/BOX4/1OF1/00000000/00000000/x', 'x'.repeat(5000)]) {
      expect(codeOf(() => parseShare(bad)), bad.slice(0, 20)).toBe('SHARE_FORMAT');
    }
    expect(codeOf(() => parseShare(share.text.replace(/^KSS1/, 'KSS2')))).toBe('SHARE_VERSION');
  });

  it('refuses well-checksummed text with impossible fields as SHARE_FORMAT', () => {
    expect(codeOf(() => parseShare(forge(share, { k: 6 })))).toBe('SHARE_FORMAT'); // 6 of 5
    expect(codeOf(() => parseShare(forge(share, { index: 6 })))).toBe('SHARE_FORMAT');
    expect(codeOf(() => parseShare(forge(share, { ciphertext: share.ciphertext.slice(1) })))).toBe('SHARE_FORMAT');
    const xZero = Uint8Array.from(share.share);
    xZero[32] = 0;
    expect(codeOf(() => parseShare(forge(share, { share: xZero })))).toBe('SHARE_FORMAT');
  });
});

describe('combineShares refuses every bad input', () => {
  let shares: PasswordShare[];
  let other: PasswordShare[];
  beforeAll(async () => {
    shares = await splitPassword(PASSWORD, { k: 3, n: 5, walletId: WALLET });
    other = await splitPassword(PASSWORD, { k: 3, n: 5, walletId: WALLET });
  });

  it('fewer than k shares: SHARE_TOO_FEW, saying how many more', async () => {
    expect(await code(combineShares([]))).toBe('SHARE_TOO_FEW');
    expect(await code(combineShares(shares.slice(0, 1)))).toBe('SHARE_TOO_FEW');
    await expect(combineShares(shares.slice(0, 2))).rejects.toMatchObject({ code: 'SHARE_TOO_FEW', missing: 1 });
  });

  it('shares of two splits (even of the same password and wallet): SHARE_MIXED_SETS', async () => {
    const [a, b, c] = shares as [PasswordShare, PasswordShare, PasswordShare];
    expect(await code(combineShares([a, b, other[2] as PasswordShare]))).toBe('SHARE_MIXED_SETS');
    // Same set code but another k or n, or another ciphertext (a card edited with a new checksum):
    expect(await code(combineShares([a, b, parseShare(forge(c, { k: 2 }))]))).toBe('SHARE_MIXED_SETS');
    const ct = Uint8Array.from(c.ciphertext);
    ct[0] = (ct[0] as number) ^ 1;
    expect(await code(combineShares([a, b, parseShare(forge(c, { ciphertext: ct }))]))).toBe('SHARE_MIXED_SETS');
    // A share of another split re-labelled with this set's code: the Shamir data does not fit.
    expect(await code(combineShares([a, b, parseShare(forge(other[2] as PasswordShare, { setId: a.setId, ciphertext: a.ciphertext }))]))).toBe('SHARE_INVALID');
  });

  it('the same share twice (same number, or the same Shamir point under another number): SHARE_DUPLICATE', async () => {
    const [a, b] = shares as [PasswordShare, PasswordShare];
    expect(await code(combineShares([a, b, a]))).toBe('SHARE_DUPLICATE');
    expect(await code(combineShares([a.text, b.text, a.text.toLowerCase()]))).toBe('SHARE_DUPLICATE');
    expect(await code(combineShares([a, b, parseShare(forge(a, { index: 4 }))]))).toBe('SHARE_DUPLICATE');
  });

  it('shares of another wallet: SHARE_WRONG_WALLET', async () => {
    expect(await code(combineShares(shares.slice(0, 3), { walletId: OTHER_WALLET }))).toBe('SHARE_WRONG_WALLET');
    expect(await combineShares(shares.slice(0, 3), { walletId: WALLET })).toBe(PASSWORD);
  });

  it('a forged share (any Shamir byte changed, checksum recomputed) is detected at combine', async () => {
    const victim = shares[1] as PasswordShare;
    for (let byte = 0; byte < victim.share.length; byte++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const altered = Uint8Array.from(victim.share);
        altered[byte] = (altered[byte] as number) ^ flip;
        if (byte === 32 && (altered[32] === 0 || shares.some((s) => s.share[32] === altered[32]))) continue; // refused earlier
        const forged = parseShare(forge(victim, { share: altered }));
        expect(await code(combineShares([shares[0] as PasswordShare, forged, shares[2] as PasswordShare])), `byte ${byte} ^ ${flip}`).toBe('SHARE_INVALID');
      }
    }
  });

  it('with more than k shares, finds and names every bad one instead of ignoring it', async () => {
    const altered = Uint8Array.from((shares[3] as PasswordShare).share);
    altered[5] = (altered[5] as number) ^ 0x42;
    const forged = parseShare(forge(shares[3] as PasswordShare, { share: altered }));
    const withForged = [shares[0], shares[1], shares[2], forged, shares[4]] as PasswordShare[];
    await expect(combineShares(withForged)).rejects.toMatchObject({ code: 'SHARE_INVALID', indexes: [4] });
    // The forged one first: the search still finds a genuine triple, and still names share 4.
    await expect(combineShares([forged, ...shares.slice(0, 3)])).rejects.toMatchObject({ code: 'SHARE_INVALID', indexes: [4] });
    // Two forged among four: no genuine triple exists.
    const altered2 = Uint8Array.from((shares[4] as PasswordShare).share);
    altered2[0] = (altered2[0] as number) ^ 1;
    const forged2 = parseShare(forge(shares[4] as PasswordShare, { share: altered2 }));
    expect(await code(combineShares([shares[0] as PasswordShare, shares[1] as PasswordShare, forged, forged2]))).toBe('SHARE_INVALID');
  });
});

describe('cross-checks with the library and an independent interpolation', () => {
  it('the raw shares are plain shamir-secret-sharing shares of one AES key that opens every card', async () => {
    const shares = await splitPassword(PASSWORD, { k: 3, n: 5, walletId: WALLET });
    const keys: string[] = [];
    for (const subset of subsetsOf(shares, 3)) {
      const raw = subset.map((s) => s.share);
      const fromLibrary = await combine(raw);
      const independent = interpolateKey(raw);
      expect(Buffer.from(independent).toString('hex')).toBe(Buffer.from(fromLibrary).toString('hex'));
      keys.push(Buffer.from(fromLibrary).toString('hex'));
    }
    expect(new Set(keys).size).toBe(1);
    // Decrypt by hand, as docs/password-shares.md describes: AES-256-GCM, zero IV, the AAD string.
    const key = await crypto.subtle.importKey('raw', Buffer.from(keys[0] as string, 'hex'), 'AES-GCM', false, ['decrypt']);
    const s = shares[0] as PasswordShare;
    const additionalData = utf8ToBytes(`keystead/password-shares/v1|${s.walletTag}|3of5|${s.setId}`);
    const padded = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12), additionalData }, key, new Uint8Array(s.ciphertext)));
    const end = padded.lastIndexOf(0x80);
    expect(padded.subarray(end + 1).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(padded.subarray(0, end))).toBe(PASSWORD);
    // And the checksum is what the spec says: first 5 bytes of SHA-256 of the text before "-CHECK", dashes in the body removed.
    const fields = s.text.split('-');
    const canonical = `${fields.slice(0, 5).join('-')}-${fields.slice(5, -1).join('')}`;
    const check = sha256(utf8ToBytes(canonical)).slice(0, 5);
    expect(fields.at(-1)).toBe(crockford32(check));
  });

  it('k - 1 shares leave the key undetermined: with a made-up k-th point, any key is possible', async () => {
    const shares = await splitPassword(PASSWORD, { k: 2, n: 3, walletId: WALLET });
    const one = shares[0] as PasswordShare;
    const seen = new Set<number>();
    for (let y = 0; y < 256; y++) {
      const fake = Uint8Array.from(one.share.map((_, i) => (i === 32 ? (one.share[32] === 1 ? 2 : 1) : y)));
      seen.add(interpolateKey([one.share, fake])[0] as number);
    }
    expect(seen.size).toBe(256); // every first key byte is consistent with share 1 alone
  });
});

function crockford32(bytes: Uint8Array): string {
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  bits = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  return (bits.match(/.{5}/g) ?? []).map((c) => ALPHABET[parseInt(c, 2)]).join('');
}

// ---------------------------------------------------------------------------------------------
// Share-card PDF

describe('share cards PDF', () => {
  let dir: string;
  let shares: PasswordShare[];
  const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'share-pdf-'));
    shares = await splitPassword(`${PASSWORD} and a much longer tail to make five lines of groups`, { k: 3, n: 5, walletId: WALLET, label: 'Treasury officers' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['a4', 'letter'] as const)('%s: one page per share, each with its text, instructions and a QR code that scans back', async (paper) => {
    const bytes = await buildShareCardsPdf(shares, { walletName: 'Trésor 金庫', walletId: WALLET, paper });
    const file = path.join(dir, `shares-${paper}.pdf`);
    writeFileSync(file, bytes);
    const info = run('pdfinfo', [file]);
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(5);
    expect(info).toMatch(/Subject:\s+keystead-password-share v1/);
    const pages = run('pdftotext', ['-layout', file, '-']).split('\f');
    for (const [i, share] of shares.entries()) {
      const page = pages[i] as string;
      const prose = page.replace(/\s+/g, ' ');
      expect(prose).toContain(`Share ${i + 1} of 5 — any 3 recover the wallet password`);
      expect(prose).toContain('Wallet Trésor ??');
      expect(prose).toContain(WALLET);
      expect(prose).toContain(`Set ${share.setId}`);
      expect(prose).toContain('Treasury officers');
      for (const other of shares) if (other !== share) expect(prose).not.toContain(other.text.slice(-8));
      // The printed lines, joined without line breaks, are the share text exactly.
      const lines = page.split('\n').map((l) => l.trim());
      const from = lines.findIndex((l) => l.startsWith('KSS1-'));
      const printed: string[] = [];
      for (let l = from; /^[0-9A-Z-]+$/.test(lines[l] ?? ''); l++) printed.push(lines[l] as string);
      expect(printed.join('')).toBe(share.text);
    }
    run('pdftoppm', ['-r', '150', '-gray', file, path.join(dir, `page-${paper}`)]);
    const images = readdirSync(dir).filter((f) => f.startsWith(`page-${paper}`)).sort().map((f) => path.join(dir, f));
    expect(images).toHaveLength(5);
    for (const [i, image] of images.entries()) {
      const scan = spawnSync('zbarimg', ['--raw', '-q', image], { encoding: 'utf8' });
      expect(scan.stdout.trim(), `page ${i + 1}`).toBe(shares[i]?.text);
    }
    expect(await combineShares(images.slice(1, 4).map((image) => spawnSync('zbarimg', ['--raw', '-q', image], { encoding: 'utf8' }).stdout.trim()))).toBe(
      `${PASSWORD} and a much longer tail to make five lines of groups`,
    );
  });

  it('fits the longest password allowed (256 UTF-8 bytes) on one page per share, still scannable', async () => {
    const long = await splitPassword('é'.repeat(128), { k: 2, n: 2, walletId: WALLET });
    const file = path.join(dir, 'long.pdf');
    writeFileSync(file, await buildShareCardsPdf(long, { walletName: 'Long', paper: 'letter' }));
    expect(Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [file]))?.[1])).toBe(2);
    const pages = run('pdftotext', ['-layout', file, '-']).split('\f');
    for (const page of pages.slice(0, 2)) expect(page.replace(/\s+/g, ' ')).toContain('The password is rebuilt on your own computer');
    run('pdftoppm', ['-r', '150', '-gray', '-f', '1', '-l', '1', file, path.join(dir, 'long-page')]);
    const image = readdirSync(dir).find((f) => f.startsWith('long-page')) as string;
    expect(spawnSync('zbarimg', ['--raw', '-q', path.join(dir, image)], { encoding: 'utf8' }).stdout.trim()).toBe(long[0]?.text);
  });

  it('prints one officer’s card alone, and refuses shares of different sets', async () => {
    const one = await buildShareCardsPdf([shares[2] as PasswordShare], { walletName: 'Treasury', paper: 'a4' });
    const file = path.join(dir, 'one.pdf');
    writeFileSync(file, one);
    expect(run('pdftotext', [file, '-'])).toContain('Share 3 of 5');
    const other = await splitPassword(PASSWORD, { k: 3, n: 5, walletId: WALLET });
    await expect(buildShareCardsPdf([shares[0] as PasswordShare, other[1] as PasswordShare], { walletName: 'x', paper: 'a4' })).rejects.toMatchObject({ code: 'SHARE_MIXED_SETS' });
  });
});
