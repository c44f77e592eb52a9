/**
 * /recover: recovery from the key card alone, with every request to our server other than the
 * page and its static assets aborted. A real card from the creation ceremony, funded from the
 * regtest faucet, is swept by the page and the raw transaction is accepted by the regtest node.
 *
 * The test reaches the e2e chain the way the server does: scripts/e2e-server.sh exports the bcoin
 * node's URL and API key into the server's environment, which is read from /proc (same user).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { deriveAddress, generateWalletKey } from '@/lib/crypto';
import { splitPassword } from '@/lib/crypto/password-shares';
import { keycardQrTag, keycardQrTexts } from '@/lib/keycard/data';
import { extractKeycardFromPdf } from '@/lib/keycard/pdf';
import { encodeQrParts } from '@/lib/keycard/qr-parts';
import { createBitcoinChain, type BitcoinChain } from '@/server/chains/bitcoin';
import { newPerson, shot, signUp, uniqueEmail, uniqueSuffix, type Person } from './helpers';

const PASSWORD = 'Copper-lighthouse 82 orchard finch!';
const PORT = process.env.E2E_PORT ?? '3100';
test.describe.configure({ mode: 'serial' });

let admin: Person;
let pdfPath: string;
let receiveAddress: string;

test.beforeAll(async ({ browser }) => {
  admin = await newPerson(browser, { acceptDownloads: true });
  await signUp(admin.page, { orgName: `Recover Org ${uniqueSuffix()}`, displayName: 'Rory Recover', email: uniqueEmail('rory') });
});
test.afterAll(() => admin?.context.close());

/** The bcoin node of the running e2e server (its env, as scripts/e2e-server.sh exported it). */
function e2eChainCandidates(): BitcoinChain[] {
  const seen = new Set<string>();
  const chains: BitcoinChain[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let raw: string;
    try {
      raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!raw.includes(`APP_ORIGIN=http://localhost:${PORT}\0`) || !raw.includes('BCOIN_API_KEY=')) continue;
    const env = Object.fromEntries(raw.split('\0').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    const key = `${env.BITCOIN_RPC_URL} ${env.BCOIN_API_KEY}`;
    if (seen.has(key)) continue;
    seen.add(key);
    chains.push(createBitcoinChain({ BITCOIN_BACKEND: 'bcoin', BITCOIN_NETWORK: 'regtest', BITCOIN_RPC_URL: env.BITCOIN_RPC_URL, BCOIN_API_KEY: env.BCOIN_API_KEY }));
  }
  return chains;
}

/** A browser context where only the page itself and /_next/static assets may load; everything else is aborted and recorded. */
async function offlineRecoverPage(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page; aborted: string[]; allowed: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true });
  const origin = new URL(baseURL).origin;
  const aborted: string[] = [];
  const allowed: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const ok = url.origin === origin && (url.pathname === '/recover' || url.pathname.startsWith('/_next/static/'));
    if (ok) {
      allowed.push(url.href);
      return route.continue();
    }
    aborted.push(url.href);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto('/recover');
  await expect(page.getByRole('heading', { level: 1, name: 'Recover a wallet without Keystead' })).toBeVisible();
  // The recovery code is fetched right after the page shows; then the network can go.
  await expect(page.getByTestId('recover-ready')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  return { context, page, aborted, allowed };
}

/** Only the favicon may have been asked for beyond the page and its assets; never /api/. */
function expectNothingElse(aborted: string[]) {
  expect(aborted.filter((u) => new URL(u).pathname.startsWith('/api/')), 'API calls from /recover').toEqual([]);
  expect(aborted.filter((u) => new URL(u).pathname !== '/favicon.ico'), 'other requests from /recover').toEqual([]);
}

test('make and fund a wallet, keep its key card', async () => {
  test.setTimeout(120_000);
  const { page } = admin;
  await page.goto('/wallets/new');
  await page.getByLabel('Wallet name').fill('Treasury cold wallet');
  await page.getByLabel('Wallet password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the wallet password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create keys and wallet' }).click();
  await expect(page.getByRole('heading', { name: 'Download and keep your key card' })).toBeVisible({ timeout: 60_000 });
  const dir = mkdtempSync(path.join(tmpdir(), 'keycard-'));
  pdfPath = path.join(dir, 'card.pdf');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download key card (PDF)' }).click();
  await (await downloading).saveAs(pdfPath);
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  const code = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/.exec(text)![1]!;
  await page.getByLabel('Confirmation code from the key card').fill(code);
  await page.getByRole('button', { name: 'Confirm and activate the wallet' }).click();
  await expect(page.getByText('Verified in your browser')).toBeVisible();
  receiveAddress = (await page.getByTestId('receive-address').innerText()).trim();
  await page.getByRole('button', { name: 'Get test coins (regtest faucet)' }).click();
  await expect(page.getByTestId('balance-confirmed')).not.toHaveText('0 BTC', { timeout: 30_000 });
});

test('recover the funds on /recover with every API call blocked, and broadcast the sweep', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  // The coins, as the person would get them from their own node (here: the e2e bcoin node).
  let chain: BitcoinChain | undefined;
  let utxos: { txid: string; vout: number; value: number; address: string }[] = [];
  for (const candidate of e2eChainCandidates()) {
    const found = await candidate.unspent([receiveAddress]).catch(() => []);
    if (found.length > 0) {
      chain = candidate;
      utxos = found.map((u) => ({ txid: u.txid, vout: u.vout, value: Number(u.valueSats), address: receiveAddress }));
      break;
    }
  }
  expect(chain, 'the e2e server’s bcoin node (BITCOIN_RPC_URL in its environment)').toBeDefined();

  const { context, page, aborted, allowed } = await offlineRecoverPage(browser, baseURL!);
  // Cut the network entirely once the page is open: the rest happens offline.
  await context.setOffline(true);
  await shot(page, 'recover-start');

  await page.getByLabel('Key card file (PDF)').setInputFiles(pdfPath);
  await page.getByRole('button', { name: 'Load the key card' }).click();
  const card = page.getByTestId('recover-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('recover-wallet-name')).toHaveText('Treasury cold wallet');
  await expect(page.getByTestId('recover-network')).toHaveText('Regtest');
  await expect(page.getByTestId('recover-address').first()).toHaveText(receiveAddress);
  await expect(page.getByTestId('recover-address')).toHaveCount(5);
  await page.getByRole('button', { name: 'Show 10 more' }).click();
  await expect(page.getByTestId('recover-address')).toHaveCount(15);
  await shot(page, 'recover-card-loaded');

  // A wrong password: a clear message, nothing unlocked.
  await page.getByRole('textbox', { name: 'Wallet password' }).fill('not the password');
  await page.getByRole('button', { name: 'Decrypt Box 1 and Box 2' }).click();
  await expect(page.getByTestId('recovery-error')).toHaveAttribute('data-code', 'WRONG_PASSWORD', { timeout: 30_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong password' })).toContainText('case-sensitive');
  await shot(page, 'recover-wrong-password');

  // The progress ("Decrypting Box 1…", "Box 2…") can be brief: record every text it shows.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="unlock-progress"]')?.textContent;
      if (text && !seen.includes(text)) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // The password rebuilt offline from two of three officers' share cards ("no vendor secret").
  const shares = await splitPassword(PASSWORD, { k: 2, n: 3, walletId: extractKeycardFromPdf(new Uint8Array(readFileSync(pdfPath))).wallet.id });
  await page.getByText('Password lost? Rebuild it from officers’ share cards').click();
  await page.getByLabel(/Share texts/).fill(`${shares[0]!.text}\n${shares[2]!.text}`);
  await page.getByRole('button', { name: 'Rebuild the password' }).click();
  await expect(page.getByText('Password rebuilt from 2 share cards')).toBeVisible();
  await page.getByRole('button', { name: 'Decrypt Box 1 and Box 2' }).click();
  await expect(page.getByText('Box 1 and Box 2 are open')).toBeVisible({ timeout: 30_000 });
  const progress = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen.join(' | '));
  expect(progress).toContain('Decrypting Box 1');
  expect(progress).toContain('Decrypting Box 2');

  await page.getByLabel('Unspent coins (JSON)').fill(JSON.stringify(utxos));
  await page.getByRole('button', { name: 'Check the coins' }).click();
  await expect(page.getByTestId('recover-coins')).toContainText(`${utxos.length} coin`);

  const destination = deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;
  await page.getByLabel('Destination address').fill(destination);
  await page.getByLabel('Fee rate (sat/vB)').fill('0.01');
  await page.getByRole('button', { name: 'Build and sign the sweep' }).click();
  await expect(page.getByTestId('recovery-error')).toHaveAttribute('data-code', 'FEE_RATE_OUT_OF_RANGE');
  await page.getByLabel('Fee rate (sat/vB)').fill('5');
  await page.getByRole('button', { name: 'Build and sign the sweep' }).click();
  await expect(page.getByTestId('sweep-result')).toBeVisible();
  await shot(page, 'recover-sweep');
  const txHex = await page.getByTestId('sweep-tx-hex').inputValue();
  const txid = (await page.getByTestId('sweep-txid').innerText()).trim();
  expect(txHex).toMatch(/^[0-9a-f]+$/);
  expect(await page.getByTestId('sweep-psbt').inputValue()).toMatch(/^cHNidP/);

  expectNothingElse(aborted);
  expect(allowed.length).toBeGreaterThan(1);
  await context.close();

  // Broadcast from "another computer": the regtest node accepts it into its mempool.
  expect(await chain!.broadcast(txHex)).toBe(txid);
  expect(await chain!.transaction(txid), 'the sweep in the node’s mempool').not.toBeNull();
});

test('refuses a damaged QR code and a card JSON of another network, offline', async ({ browser, baseURL }) => {
  const cardData = extractKeycardFromPdf(new Uint8Array(readFileSync(pdfPath)));
  const cardTag = keycardQrTag(cardData);
  const payloads = Object.entries(keycardQrTexts(cardData)).flatMap(([label, text]) => encodeQrParts(label, text, { cardTag }));
  const box2 = payloads.findIndex((p) => p.includes('/BOX2/'));
  const damaged = [...payloads];
  // One character of BOX2's data changed, as a misread would.
  const at = damaged[box2]!.length - 10;
  damaged[box2] = damaged[box2]!.slice(0, at) + (damaged[box2]![at] === 'A' ? 'B' : 'A') + damaged[box2]!.slice(at + 1);

  const { context, page, aborted } = await offlineRecoverPage(browser, baseURL!);
  await context.setOffline(true);

  await page.getByRole('tab', { name: 'QR code texts' }).click();
  await page.getByLabel('Network').selectOption('regtest');
  await page.getByLabel('QR code texts, one per line').fill(damaged.join('\n'));
  await page.getByRole('button', { name: 'Load the key card' }).click();
  await expect(page.getByTestId('recovery-error')).toHaveAttribute('data-code', 'QR_PART_DAMAGED');
  await expect(page.getByTestId('recovery-error')).toContainText('BOX2');
  await expect(page.getByRole('alert').filter({ hasText: 'Damaged QR code' })).toContainText('Scan it again');
  await shot(page, 'recover-qr-damaged');

  // The intact codes load the same wallet (names are placeholders: QR codes do not carry them).
  await page.getByLabel('QR code texts, one per line').fill(payloads.join('\n'));
  await page.getByRole('button', { name: 'Load the key card' }).click();
  await expect(page.getByTestId('recover-address').first()).toHaveText(receiveAddress);
  await page.getByRole('button', { name: 'Use another key card' }).click();

  // The card JSON, expected on mainnet: WRONG_NETWORK.
  await page.getByRole('tab', { name: 'Card JSON' }).click();
  await page.getByLabel('Network').selectOption('mainnet');
  await page.getByLabel('Card JSON (keystead-keycard.json)').fill(JSON.stringify(cardData));
  await page.getByRole('button', { name: 'Load the key card' }).click();
  await expect(page.getByTestId('recovery-error')).toHaveAttribute('data-code', 'WRONG_NETWORK');
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong network' })).toContainText('different Bitcoin network');
  await shot(page, 'recover-wrong-network');

  expectNothingElse(aborted);
  await context.close();
});

test('the landing page links to /recover, which fits a phone', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('link', { name: 'Recover a wallet without Keystead' }).click();
  await expect(page).toHaveURL(`${baseURL}/recover`);
  await page.getByLabel('Key card file (PDF)').setInputFiles(pdfPath);
  await page.getByRole('button', { name: 'Load the key card' }).click();
  await expect(page.getByTestId('recover-address').first()).toHaveText(receiveAddress);
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  await shot(page, 'recover-mobile');
  await context.close();
});
