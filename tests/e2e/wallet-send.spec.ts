/**
 * Sending bitcoin through the real pages on a fresh bcoin regtest chain: faucet → prepare →
 * approve → review and sign in the browser (Key #1) → co-signed by the HSM → broadcast → confirmed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { deriveAddress, generateWalletKey } from '@/lib/crypto';
import { newPerson, shot, signUp, uniqueEmail, uniqueSuffix, type Person } from './helpers';

const PASSWORD = 'Copper-lighthouse 82 orchard finch!';
test.describe.configure({ mode: 'serial' });

let admin: Person;
test.beforeAll(async ({ browser }) => {
  admin = await newPerson(browser, { acceptDownloads: true });
  await signUp(admin.page, { orgName: `Send Org ${uniqueSuffix()}`, displayName: 'Sasha Sender', email: uniqueEmail('sasha') });
});
test.afterAll(() => admin?.context.close());

async function createWallet(page: Page, name: string) {
  await page.goto('/wallets/new');
  await page.getByLabel('Wallet name').fill(name);
  await page.getByLabel('Wallet password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the wallet password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create keys and wallet' }).click();
  await expect(page.getByRole('heading', { name: 'Download and keep your key card' })).toBeVisible({ timeout: 60_000 });
  const dir = mkdtempSync(path.join(tmpdir(), 'keycard-'));
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download key card (PDF)' }).click();
  await (await downloading).saveAs(path.join(dir, 'card.pdf'));
  const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'card.pdf'), '-'], { encoding: 'utf8' });
  const code = /\b([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b/.exec(text)![1]!;
  await page.getByLabel('Confirmation code from the key card').fill(code);
  await page.getByRole('button', { name: 'Confirm and activate the wallet' }).click();
  await expect(page.getByText('Verified in your browser')).toBeVisible();
  expect(readdirSync(dir)).toContain('card.pdf');
}

test('fund a wallet from the regtest faucet, then send through approval and browser signing', async () => {
  test.setTimeout(120_000);
  const { page } = admin;
  await createWallet(page, 'Operations hot wallet');
  await page.getByRole('button', { name: 'Get test coins (regtest faucet)' }).click();
  await expect(page.getByTestId('balance-confirmed')).not.toHaveText('0 BTC', { timeout: 30_000 });
  await expect(page.getByTestId('tx-row')).toHaveCount(1);

  const to = deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;
  await page.getByLabel('Destination address').fill(to);
  await page.getByLabel('Amount (BTC)').fill('0.015');
  await page.getByLabel('Fee rate (sat/vB)').fill('3');
  await page.getByRole('button', { name: 'Prepare transfer for approval' }).click();
  const row = page.getByTestId('transfer-row').first();
  await expect(row).toContainText('Awaiting approval');
  await expect(row).toContainText('0.015 BTC');
  // Approving is a passkey assertion over the request digest, with the quorum shown.
  await row.getByRole('button', { name: 'Review and approve' }).click();
  await expect(row.getByRole('list', { name: 'Approvals needed' })).toContainText('1 of wallet approvers');
  await shot(page, 'wallet-send-approve');
  await row.getByRole('button', { name: 'Approve with passkey' }).click();
  await expect(row).toContainText('Approved: awaiting signature');
  await row.getByRole('button', { name: 'Review and sign' }).click();
  await expect(page.getByRole('heading', { name: 'Review what you are signing' })).toBeVisible();
  await expect(row).toContainText(to);
  await expect(row).toContainText(/Change back to this wallet \(verified/);
  await shot(page, 'wallet-send-review');

  // Nothing secret crosses the wire while signing.
  const bodies: string[] = [];
  page.on('request', (r) => bodies.push(`${r.url()} ${r.postData() ?? ''}`));
  await page.getByLabel('Wallet password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await expect(row).toContainText(/Broadcast: unconfirmed|Confirmed/, { timeout: 30_000 });
  expect(bodies.join('\n')).not.toContain(PASSWORD);
  expect(bodies.join('\n')).not.toMatch(/tprv|xprv/);

  // A fee bump can be proposed while it is unconfirmed; it needs its own approval (rejected here).
  // Nothing mines until the faucet below, so the transfer is still unconfirmed here.
  await expect(row).toContainText('Broadcast: unconfirmed');
  await row.getByRole('button', { name: 'Speed up (raise fee)' }).click();
  await row.getByLabel('New fee rate (sat/vB)').fill('10');
  await row.getByRole('button', { name: 'Prepare fee bump' }).click();
  await expect(page.getByTestId('transfer-row')).toHaveCount(2);
  const bump = page.getByTestId('transfer-row').first();
  await expect(bump).toContainText('Fee bump of an earlier transfer');
  await expect(bump).toContainText('Awaiting approval');
  await bump.getByRole('button', { name: 'Review and approve' }).click();
  await bump.getByRole('button', { name: 'Reject' }).click();
  await expect(bump).toContainText('Rejected');
  const sentRow = page.getByTestId('transfer-row').nth(1);

  // Mining (the faucet mines blocks) confirms it; the background job notices.
  await page.getByRole('button', { name: 'Get test coins (regtest faucet)' }).click();
  await expect(sentRow).toContainText('Confirmed', { timeout: 30_000 });
  await shot(page, 'wallet-send-confirmed');
});
