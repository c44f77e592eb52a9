/**
 * The main journey, one organisation from sign-up to a verified audit log, in order: each test
 * builds on the state the previous one left behind.
 */
import { expect, test } from '@playwright/test';
import {
  addAuthenticator,
  createInvite,
  credentialCount,
  newPerson,
  removeAuthenticator,
  shot,
  signIn,
  signOut,
  signUp,
  uniqueEmail,
  uniqueSuffix,
  type Person,
} from './helpers';

test.describe.configure({ mode: 'serial' });

test.describe('organisation journey', () => {
  const orgName = `Acme Treasury ${uniqueSuffix()}`;
  const adminName = 'Alice Admin';
  const adminEmail = uniqueEmail('alice');
  const bobName = 'Bob Builder';
  const bobEmail = uniqueEmail('bob');

  let admin: Person;
  let bob: Person;
  let inviteUrl = '';

  test.beforeAll(async ({ browser }) => {
    admin = await newPerson(browser);
    bob = await newPerson(browser);
  });

  test.afterAll(async () => {
    await admin?.context.close();
    await bob?.context.close();
  });

  test('landing page links to sign-up and sign-in', async () => {
    const { page } = admin;
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Create an organisation' })).toHaveAttribute('href', '/signup');
    await expect(page.getByRole('main').getByRole('link', { name: 'Sign in with a passkey' })).toHaveAttribute('href', '/signin');
    await shot(page, 'landing');
  });

  test('admin signs up with a passkey, signs out, and signs in again with the same passkey', async () => {
    const { page } = admin;
    const [authenticator] = admin.authenticators;
    expect(await credentialCount(admin, authenticator!)).toBe(0);

    await signUp(page, { orgName, displayName: adminName, email: adminEmail }, 'signup');
    // The passkey now lives on this person's (virtual) device, as a discoverable credential.
    expect(await credentialCount(admin, authenticator!)).toBe(1);
    await expect(page.getByRole('banner')).toContainText(orgName);
    await expect(page.getByRole('banner').locator('.badge')).toHaveText('Admin');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' })).toBeVisible();
    await shot(page, 'dashboard');

    await signOut(page);
    // Signed out for real: the workspace sends us back to sign-in.
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/signin$/);

    const before = (await admin.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator! })).credentials[0]!.signCount;
    await signIn(page, adminName);
    const after = (await admin.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator! })).credentials[0]!.signCount;
    expect(after).toBeGreaterThan(before);
  });

  test('admin invites Bob as a member and Bob joins with his own passkey', async () => {
    inviteUrl = await createInvite(admin.page, bobEmail, 'Member');
    expect(inviteUrl.startsWith(`${new URL(admin.page.url()).origin}/invite#`)).toBe(true);
    expect(new URL(inviteUrl).hash).toMatch(/^#[A-Za-z0-9_-]{20,}$/);
    await expect(admin.page.getByRole('region', { name: 'Pending invites' })).toContainText(bobEmail);
    await shot(admin.page, 'members-invite-link');

    const { page } = bob;
    await page.goto(inviteUrl);
    const facts = page.locator('dl.facts');
    await expect(facts).toContainText(orgName);
    await expect(facts).toContainText(bobEmail);
    await expect(facts).toContainText('Member');
    await page.getByLabel('Your name').fill(bobName);
    await shot(page, 'invite-accept');
    await page.getByRole('button', { name: 'Join with a passkey' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${bobName}` })).toBeVisible();
    await expect(page.getByRole('banner').locator('.badge')).toHaveText('Member');
    expect(await credentialCount(bob, bob.authenticators[0]!)).toBe(1);

    // A member has no audit log: neither the link nor the page's content.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Members' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    await page.goto('/audit');
    await expect(page.getByText('Only admins and auditors can read the audit log')).toBeVisible();
    await expect(page.locator('[data-testid^="audit-"]')).toHaveCount(0);

    // The admin sees Bob as an active member now, and the invite is no longer pending.
    await admin.page.goto('/members');
    const row = admin.page.getByTestId(`member-${bobEmail}`);
    await expect(row).toContainText(bobName);
    await expect(row).toContainText('Active');
    await expect(admin.page.getByLabel(`Role of ${bobName}`)).toHaveValue('member');
    await expect(admin.page.getByText(bobEmail)).toHaveCount(1);
  });

  test('an invite link that was used once is refused the second time', async ({ browser }) => {
    expect(inviteUrl, 'needs the invite from the previous test').not.toBe('');
    const eve = await newPerson(browser);
    try {
      await eve.page.goto(inviteUrl);
      const alert = eve.page.getByRole('alert').filter({ hasText: 'This invite cannot be used' });
      await expect(alert).toBeVisible();
      await expect(alert).toContainText('already been used');
      await expect(eve.page.getByRole('button', { name: /with a passkey/ })).toHaveCount(0);
      await shot(eve.page, 'invite-used');
    } finally {
      await eve.context.close();
    }
  });

  test('admin changes Bob to auditor; the change shows after reload and in the audit log', async () => {
    const { page } = admin;
    await page.goto('/members');
    const select = page.getByLabel(`Role of ${bobName}`);
    await expect(select).toHaveValue('member');
    const saved = page.waitForResponse((r) => r.url().includes('members.changeRole') && r.request().method() === 'POST');
    await select.selectOption({ label: 'Auditor' });
    expect((await saved).ok()).toBe(true);

    await page.reload();
    await expect(page.getByLabel(`Role of ${bobName}`)).toHaveValue('auditor');
    await expect(page.getByTestId(`member-${bobEmail}`).getByRole('combobox')).toHaveValue('auditor');

    await page.goto('/audit');
    const changes = page.locator('[data-testid^="audit-"]').filter({ hasText: 'member.role_changed' });
    await expect(changes).toHaveCount(1);
    await expect(changes).toContainText(`${bobEmail}: role changed from member to auditor`);
    await expect(changes).toContainText(adminName);
  });

  test('admin verifies the audit chain', async () => {
    const { page } = admin;
    await page.goto('/audit');
    const rows = page.locator('[data-testid^="audit-"]');
    await expect(rows.first()).toBeVisible();
    for (const type of ['org.created', 'member.joined', 'passkey.added', 'session.signed_in', 'session.signed_out', 'invite.created', 'member.role_changed']) {
      await expect(rows.filter({ hasText: type }).first(), `audit log lists ${type}`).toBeVisible();
    }
    // Entries are numbered 1..N with no gaps, newest first.
    const seqs = await rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-testid')!.slice('audit-'.length))));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(Math.min(...seqs)).toBe(1);
    expect(Math.max(...seqs)).toBe(seqs.length);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByRole('status').filter({ hasText: 'Chain intact' });
    await expect(result).toBeVisible();
    await expect(result).toContainText(`All ${seqs.length} entries verified`);
    await shot(page, 'audit-verified');
  });

  test('Bob, now an auditor, can open the audit log', async () => {
    const { page } = bob;
    await page.goto('/dashboard');
    await expect(page.getByRole('banner').locator('.badge')).toHaveText('Auditor');
    const auditLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' });
    await expect(auditLink).toBeVisible();
    await auditLink.click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await expect(page.getByText('Only admins and auditors')).toHaveCount(0);
    await expect(page.locator('[data-testid^="audit-"]').filter({ hasText: 'member.role_changed' })).toHaveCount(1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Chain intact' })).toBeVisible();

    // Still read-only: an auditor cannot change anyone's role.
    await page.goto('/members');
    await expect(page.getByTestId(`member-${adminEmail}`)).toBeVisible();
    await expect(page.getByRole('combobox')).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Invite a member' })).toHaveCount(0);
  });

  test('admin registers a second passkey on another device and can sign in with it', async () => {
    const { page } = admin;
    await page.goto('/account');
    const rows = page.getByTestId('passkey-row');
    await expect(rows).toHaveCount(1);
    await expect(page.getByText('You have only one passkey')).toBeVisible();

    // The same device cannot register a second passkey for the same account (excludeCredentials).
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Passkey not created' })).toContainText('already holds a passkey');
    await expect(rows).toHaveCount(1);

    // A second device can. Chromium allows one virtual platform authenticator per page, so
    // the first device goes away and a new, empty one takes its place: from here on the
    // browser can only use the new passkey.
    const [firstDevice] = admin.authenticators;
    await removeAuthenticator(admin, firstDevice!);
    const secondDevice = await addAuthenticator(admin);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(rows).toHaveCount(2);
    await expect(page.getByText('You have only one passkey')).toHaveCount(0);
    await expect(page.locator('.alert-error')).toHaveCount(0);
    expect(await credentialCount(admin, secondDevice)).toBe(1);
    await shot(page, 'account');

    // The new passkey signs in on its own.
    await signOut(page);
    await signIn(page, adminName);
    await page.goto('/account');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'not used yet' })).toHaveCount(0);
  });
});
