/**
 * The wallet key ceremony in Chromium: keys generated and encrypted in the browser, Key #3 from
 * the HSM co-signer, the key card PDF downloaded and read back with poppler + zbar, boxes 1 and
 * 2 decrypted with the password, and every request of the ceremony checked for secrets.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Request } from '@playwright/test';
import { decryptKey, originFromMasterXprv, parseWalletDescriptor } from '@/lib/crypto';
import { decodeQrParts } from '@/lib/keycard/qr-parts';
import { newPerson, shot, signUp, uniqueEmail, uniqueSuffix, type Person } from './helpers';

const PASSWORD = 'Velvet-orbit 47 harbour lantern!';

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

test.describe.configure({ mode: 'serial' });

let admin: Person;
const recorded: Recorded[] = [];
const record = (r: Request) => recorded.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() ?? '' });

test.beforeAll(async ({ browser }) => {
  admin = await newPerson(browser, { acceptDownloads: true });
  await signUp(admin.page, { orgName: `Ceremony Org ${uniqueSuffix()}`, displayName: 'Cora Custodian', email: uniqueEmail('cora') });
});
test.afterAll(() => admin?.context.close());

test('a weak wallet password is refused', async () => {
  const { page } = admin;
  await page.goto('/wallets/new');
  await page.getByLabel('Wallet name').fill('Weak attempt');
  await page.getByLabel('Wallet password', { exact: true }).fill('password1234');
  await page.getByLabel('Repeat the wallet password').fill('password1234');
  await expect(page.getByText(/too easy to guess|common|guess/i).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create keys and wallet' })).toBeDisabled();
});

let cardText = '';
let cardQr: Map<string, string>;
let walletId = '';

test('creates a wallet, downloads the key card and activates it with the code on the card', async () => {
  const { page } = admin;
  page.on('request', record);
  await page.goto('/wallets/new');
  await page.getByLabel('Wallet name').fill('Treasury cold storage');
  await page.getByLabel('Wallet password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the wallet password').fill(PASSWORD);
  await expect(page.getByRole('button', { name: 'Create keys and wallet' })).toBeEnabled();
  await page.getByRole('button', { name: 'Create keys and wallet' }).click();
  await expect(page.getByRole('heading', { name: 'Creating your wallet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Download and keep your key card' })).toBeVisible({ timeout: 60_000 });
  await shot(page, 'wallet-keycard-step');

  const dir = mkdtempSync(path.join(tmpdir(), 'keycard-'));
  const pdfPath = path.join(dir, 'card.pdf');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download key card (PDF)' }).click();
  await (await downloading).saveAs(pdfPath);

  cardText = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  expect(cardText).toContain('Treasury cold storage');
  execFileSync('pdftoppm', ['-r', '150', '-png', pdfPath, path.join(dir, 'page')]);
  const payloads = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .flatMap((f) => {
      try {
        return execFileSync('zbarimg', ['--raw', '-q', path.join(dir, f)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
      } catch {
        return []; // a page without QR codes
      }
    });
  cardQr = decodeQrParts(payloads);

  const code = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/.exec(cardText)?.[1];
  expect(code, 'confirmation code printed on the card').toBeTruthy();
  await page.getByLabel('Confirmation code from the key card').fill(code!);
  await page.getByRole('button', { name: 'Confirm and activate the wallet' }).click();
  await expect(page).toHaveURL(/\/wallets\/[0-9a-f-]{36}$/);
  walletId = page.url().split('/').pop()!;
  await expect(page.getByText('Verified in your browser')).toBeVisible();
  page.off('request', record);
  await shot(page, 'wallet-active');
});

test('boxes 1 and 2 on the card decrypt with the password to the wallet’s keys', async () => {
  const { page } = admin;
  const descriptor = await page.getByTestId('descriptor').innerText();
  expect(cardText.replace(/\s+/g, '')).toContain(descriptor.slice(descriptor.indexOf('#')));
  const [qr1, qr2] = ['BOX1', 'BOX2'].map((label) => {
    const text = cardQr.get(label);
    expect(text, `QR payload ${label}`).toBeTruthy();
    return JSON.parse(text!);
  });
  // Box 3 is the co-signer's key expression, [fingerprint/path]tpub…
  const box3 = { fingerprint: /^\[([0-9a-f]{8})\//.exec(cardQr.get('BOX3') ?? '')?.[1] };
  // Boxes 1 and 2 carry their context, so one scanned box plus the password suffices.
  expect(qr1).toMatchObject({ walletId, keyRole: 'user' });
  expect(qr2).toMatchObject({ walletId, keyRole: 'backup' });
  const [box1, box2] = [qr1.envelope, qr2.envelope];
  const userXprv = new TextDecoder().decode(await decryptKey(box1, PASSWORD, { walletId, keyRole: 'user' }));
  const backupXprv = new TextDecoder().decode(await decryptKey(box2, PASSWORD, { walletId, keyRole: 'backup' }));
  expect(userXprv).toMatch(/^tprv/);
  expect(backupXprv).toMatch(/^tprv/);
  const origins = parseWalletDescriptor(descriptor, 'regtest');
  const fingerprints = origins.map((o) => o.fingerprint);
  expect(fingerprints).toContain(originFromMasterXprv(userXprv, 'regtest').fingerprint);
  expect(fingerprints).toContain(originFromMasterXprv(backupXprv, 'regtest').fingerprint);
  expect(fingerprints).toContain(box3.fingerprint);
  await expect(decryptKey(box1, 'wrong password entirely', { walletId, keyRole: 'user' })).rejects.toThrow();

  // The first receive address on the card is the wallet's address #0.
  const address = await page.getByTestId('receive-address').innerText();
  expect(address).toMatch(/^bcrt1q/);
  expect(cardText.replace(/\s+/g, '')).toContain(address);

  // Nothing secret crossed the wire during the ceremony.
  expect(recorded.length).toBeGreaterThan(3);
  const wire = JSON.stringify(recorded);
  for (const secret of [PASSWORD, userXprv, backupXprv, 'tprv', 'xprv']) expect(wire, 'secret in a request').not.toContain(secret);
  expect(wire).not.toContain(JSON.stringify(box2.ct)); // Key #2's envelope never goes to the server
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  for (const secret of [PASSWORD, userXprv, backupXprv]) expect(storage).not.toContain(secret);
});
