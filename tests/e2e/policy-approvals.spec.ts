/**
 * The policy engine's controls through the real pages, with Chromium's virtual passkeys:
 * an admin creates a wallet and makes two colleagues approvers through member-change requests she
 * approves with her passkey (version 1: one approver, self-approval allowed), adds a viewer, and
 * proposes version 2 ("2 of the wallet approvers, no self-approval", plus an amount rule typed in
 * BTC) with the form, checks the exact JSON, and approves it. Under version 2 her whitelist
 * addition needs the two others: each approves from the approvals queue (one on a phone-sized
 * screen) in their own browser context, while the viewer has an empty queue and no approve button.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { deriveAddress, generateWalletKey } from '@/lib/crypto';
import { createInvite, horizontalOverflow, newPerson, shot, signUp, uniqueEmail, uniqueSuffix, type Person } from './helpers';

const PASSWORD = 'Harbour-lantern 93 quartz meadow!';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

test.describe.configure({ mode: 'serial' });

let ada: Person; // admin, creates the wallet
let bob: Person; // approver, on a phone
let cleo: Person; // approver
let vera: Person; // viewer
const email = { bob: uniqueEmail('bob'), cleo: uniqueEmail('cleo'), vera: uniqueEmail('vera') };
let walletId = '';
const WALLET = 'Policy vault';
const destination = deriveAddress([generateWalletKey('regtest').origin, generateWalletKey('regtest').origin, generateWalletKey('regtest').origin], 'regtest', 0, 0).address;

/** Same steps as tests/e2e/wallet-send.spec.ts: the key ceremony, key card read back with pdftotext. */
async function createWallet(page: Page, name: string): Promise<string> {
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
  await expect(page).toHaveURL(/\/wallets\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return /\/wallets\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
}

async function join(browser: Browser, inviteUrl: string, name: string, options = {}): Promise<Person> {
  const person = await newPerson(browser, options);
  await person.page.goto(inviteUrl);
  await person.page.getByLabel('Your name').fill(name);
  await person.page.getByRole('button', { name: 'Join with a passkey' }).click();
  await expect(person.page).toHaveURL(/\/dashboard$/);
  return person;
}

/** Ada adds someone on the Members tab of the wallet's controls. */
async function addToWallet(page: Page, who: string, whoEmail: string, role: 'approver' | 'viewer') {
  await page.getByRole('tab', { name: 'Members' }).click();
  const card = page.getByRole('region', { name: 'Add a person' });
  await card.getByLabel('Person').selectOption({ label: `${who} (${whoEmail})` });
  await card.getByLabel('Wallet role').selectOption(role);
  await card.getByRole('button', { name: 'Add to wallet' }).click();
}

test.beforeAll(async ({ browser }) => {
  ada = await newPerson(browser, { acceptDownloads: true });
  await signUp(ada.page, { orgName: `Policy Org ${uniqueSuffix()}`, displayName: 'Ada Admin', email: uniqueEmail('ada') });
  bob = await join(browser, await createInvite(ada.page, email.bob, 'Member'), 'Bob Approver', PHONE);
  cleo = await join(browser, await createInvite(ada.page, email.cleo, 'Member'), 'Cleo Approver');
  vera = await join(browser, await createInvite(ada.page, email.vera, 'Member'), 'Vera Viewer');
});

test.afterAll(async () => {
  for (const p of [ada, bob, cleo, vera]) await p?.context.close();
});

test('approvers join the wallet through member-change requests the admin approves with her passkey', async () => {
  test.setTimeout(120_000);
  const { page } = ada;
  walletId = await createWallet(page, WALLET);
  await page.getByRole('link', { name: 'Policy & controls' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${WALLET}: controls` })).toBeVisible();
  // Version 1: one approver (Ada), self-approval allowed so that a one-person wallet works.
  await expect(page.getByRole('heading', { name: 'Policy in force: version 1' })).toBeVisible();
  await expect(page.getByText('Self-approval: allowed')).toBeVisible();
  await shot(page, 'policy-v1');

  for (const [name, mail] of [['Bob Approver', email.bob], ['Cleo Approver', email.cleo]] as const) {
    await addToWallet(page, name, mail, 'approver');
    const notice = page.getByRole('status').filter({ hasText: 'Waiting for approval' });
    await expect(notice).toContainText(`Making ${name} an approver gives more control over funds, so it needs approval`);
    if (name === 'Bob Approver') await shot(page, 'policy-member-request');
    await notice.getByRole('button', { name: 'Review the request' }).click();
    await expect(page.getByRole('tab', { name: /Change requests/ })).toHaveAttribute('aria-selected', 'true');
    const panel = page.getByRole('region', { name: `Change request: Make ${name} an approver` });
    await expect(panel.getByRole('list', { name: 'Approvals needed' })).toContainText('1 of wallet approvers');
    if (name === 'Bob Approver') await shot(page, 'policy-member-request-review');
    await panel.getByRole('button', { name: 'Approve with passkey' }).click();
    await expect(page.getByText(`You approved “Make ${name} an approver”. The quorum is complete: the change is applied.`)).toBeVisible();
  }

  await addToWallet(page, 'Vera Viewer', email.vera, 'viewer');
  await expect(page.getByText('Vera Viewer is now a viewer of this wallet.')).toBeVisible();
  await expect(page.getByLabel('Wallet role of Bob Approver')).toHaveValue('approver');
  await expect(page.getByLabel('Wallet role of Cleo Approver')).toHaveValue('approver');
  await expect(page.getByLabel('Wallet role of Vera Viewer')).toHaveValue('viewer');
  await shot(page, 'policy-members');
});

test('the admin proposes "2 of the wallet approvers, no self-approval" with the form and approves it', async () => {
  const { page } = ada;
  await page.getByRole('tab', { name: 'Policy' }).click();
  await page.getByRole('button', { name: 'Propose a new version' }).click();
  const editor = page.getByRole('form', { name: 'Propose version 2' });
  await expect(editor).toBeVisible();
  await editor.getByLabel('The initiator may approve their own request (self-approval)').uncheck();
  await editor.getByRole('group', { name: 'Quorum “default”' }).getByLabel('How many wallet approvers (k)').fill('2');
  await editor.getByRole('button', { name: 'Add rule: amount above a limit' }).click();
  const rule = editor.getByRole('group', { name: 'Rule 1: large-payments' });
  await rule.getByLabel('Amount above (BTC)').fill('1.5');
  await expect(rule).toContainText('= 150000000 sats');
  await rule.getByLabel('Then').selectOption({ label: 'Require approval by quorum “default”' });

  // The exact document that will be proposed: amounts in sats, as decimal strings.
  await editor.getByRole('button', { name: 'Advanced (JSON)' }).click();
  const json = editor.getByLabel('Policy document (JSON)');
  await expect(json).toHaveValue(/"allowSelfApproval": false/);
  await expect(json).toHaveValue(/"default": \{\s*"kind": "wallet_approvers",\s*"k": 2\s*\}/);
  await expect(json).toHaveValue(/"amountAbove": "150000000"/);
  await shot(page, 'policy-editor');

  await editor.getByRole('button', { name: 'Propose version 2 for approval' }).click();
  await expect(page.getByText('Version 2 proposed')).toBeVisible();
  await expect(page.getByText(/applies once the quorum of the current policy \(version 1\) approves/)).toBeVisible();
  const panel = page.getByRole('region', { name: 'Change request: Activate policy version 2' });
  await shot(page, 'policy-proposed');
  await panel.getByRole('button', { name: 'Approve with passkey' }).click();
  await expect(page.getByText('You approved “Activate policy version 2”. The quorum is complete: the change is applied.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Policy in force: version 2' })).toBeVisible();
  await expect(page.getByText('Self-approval: not allowed (the initiator’s approval never counts)')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Quorum default' })).toContainText('2 of the wallet approvers (3 now');
  await expect(page.getByTestId('policy-version-row')).toHaveCount(2);
  await shot(page, 'policy-v2');
});

test('under version 2 a whitelist addition needs the two other approvers; the viewer is never asked', async () => {
  test.setTimeout(90_000);
  const { page } = ada;
  await page.getByRole('tab', { name: 'Whitelist' }).click();
  await page.getByLabel('Address', { exact: true }).fill(destination);
  await page.getByLabel('Label', { exact: true }).fill('Exchange deposit');
  await page.getByLabel('Cooling-off (hours)').fill('0');
  await page.getByRole('button', { name: 'Propose addition' }).click();
  await expect(page.getByText('Change request created: whitelist “Exchange deposit”')).toBeVisible();
  // Ada proposed it: her approval would not count, so it is not in her queue.
  await page.goto('/approvals');
  await expect(page.getByTestId('queue-empty')).toBeVisible();

  // Bob, on his phone: the nav shows one waiting; the queue says what is missing.
  await bob.page.goto('/dashboard');
  await bob.page.getByRole('button', { name: 'Menu' }).click();
  await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Approvals ?, 1 waiting for you$/ }).click();
  await expect(bob.page).toHaveURL(/\/approvals$/);
  const bobItem = bob.page.getByTestId('queue-item');
  await expect(bobItem).toHaveCount(1);
  await expect(bobItem).toContainText(WALLET);
  await expect(bobItem).toContainText('“Exchange deposit”');
  await expect(bobItem).toContainText('needs 2 more approvals from wallet approvers (have 0 of 2)');
  await expect(bobItem).toContainText('Proposed by Ada Admin');
  await shot(bob.page, 'approvals-queue-phone');
  await bobItem.getByRole('button', { name: /Review and decide/ }).click();
  const bobPanel = bobItem.getByRole('region', { name: /Change request: Whitelist/ });
  await expect(bobPanel).toContainText(destination);
  const { scrollWidth, innerWidth } = await horizontalOverflow(bob.page);
  expect(scrollWidth, 'the decide panel fits the phone').toBeLessThanOrEqual(innerWidth);
  await shot(bob.page, 'approvals-decide-phone');
  await bobPanel.getByRole('button', { name: 'Approve with passkey' }).click();
  await expect(bob.page.getByText(/You approved “Whitelist .*”\. It applies once the rest of the quorum approves\./)).toBeVisible();
  await expect(bob.page.getByTestId('queue-empty')).toBeVisible();

  // Vera is a viewer: nothing in her queue, and the request offers her no decision.
  await vera.page.goto('/approvals');
  await expect(vera.page.getByTestId('queue-empty')).toBeVisible();
  await vera.page.goto(`/wallets/${walletId}/controls?tab=requests`);
  await vera.page.getByRole('button', { name: /^Review ?: Whitelist/ }).click();
  const veraPanel = vera.page.getByRole('region', { name: /Change request: Whitelist/ });
  await expect(veraPanel).toContainText('You are not one of the approvers this change needs.');
  await expect(veraPanel).toContainText('Bob Approver approved');
  await expect(vera.page.getByRole('button', { name: 'Approve with passkey' })).toHaveCount(0);
  await shot(vera.page, 'approvals-viewer');
  await vera.page.getByRole('tab', { name: 'Policy' }).click();
  await expect(vera.page.getByText('Only the wallet’s approvers can propose a new version.')).toBeVisible();
  await expect(vera.page.getByRole('button', { name: 'Propose a new version' })).toHaveCount(0);

  // Cleo completes the quorum from her queue.
  await cleo.page.goto('/approvals');
  const cleoItem = cleo.page.getByTestId('queue-item');
  await expect(cleoItem).toContainText('needs 1 more approval from wallet approvers (have 1 of 2)');
  await cleoItem.getByRole('button', { name: /Review and decide/ }).click();
  await cleoItem.getByRole('button', { name: 'Approve with passkey' }).click();
  await expect(cleo.page.getByText(/You approved “Whitelist .*”\. The quorum is complete: the change is applied\./)).toBeVisible();
  await expect(cleo.page.getByTestId('queue-empty')).toBeVisible();

  // The entry is on the whitelist, usable at once (no cooling-off); the request is applied.
  await page.goto(`/wallets/${walletId}/controls?tab=whitelist`);
  const entry = page.getByTestId('whitelist-row');
  await expect(entry).toContainText('Exchange deposit');
  await expect(entry).toContainText(destination);
  await expect(entry).toContainText('Usable');
  await page.getByRole('tab', { name: /Change requests/ }).click();
  await expect(page.getByTestId('change-request-row').filter({ hasText: 'Exchange deposit' })).toContainText('Applied');
  await shot(page, 'policy-whitelist-applied');
});
