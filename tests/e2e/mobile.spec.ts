/** Phone-sized screens: no sideways scrolling, and the navigation folds behind "Menu". */
import { expect, test, type Page } from '@playwright/test';
import { createInvite, horizontalOverflow, newPerson, shot, signUp, uniqueEmail, uniqueSuffix, type Person } from './helpers';

const WIDTH = 390;
const PHONE = { viewport: { width: WIDTH, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/**
 * With mobile emulation a page wider than the screen widens the layout viewport (innerWidth)
 * instead of scrolling, so compare against the device width as well as innerWidth.
 */
async function expectFitsPhone(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await horizontalOverflow(page);
  expect(innerWidth, `${what}: layout viewport grew from ${WIDTH}px to ${innerWidth}px (content wider than the phone)`).toBe(WIDTH);
  expect(scrollWidth, `${what}: scrollWidth ${scrollWidth} > innerWidth ${innerWidth} (page scrolls sideways)`).toBeLessThanOrEqual(innerWidth);
}

test.describe('phone viewport (390x844)', () => {
  let phone: Person;
  let name: string;

  test.beforeEach(async ({ browser }) => {
    phone = await newPerson(browser, PHONE);
    name = 'Pat Phone';
    await phone.page.goto('/');
    await expectFitsPhone(phone.page, 'landing page');
    await phone.page.goto('/signup');
    await expectFitsPhone(phone.page, 'sign-up page');
    await signUp(phone.page, { orgName: `Pocket Holdings ${uniqueSuffix()}`, displayName: name, email: uniqueEmail('pat') });
  });

  test.afterEach(async () => {
    await phone?.context.close();
  });

  test('dashboard fits the screen and the Menu button toggles the navigation', async () => {
    const { page } = phone;
    await expectFitsPhone(page, 'dashboard');

    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
    await shot(page, 'phone-dashboard');

    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(nav).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
    await expectFitsPhone(page, 'dashboard with the menu open');
    await shot(page, 'phone-dashboard-menu');

    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();

    // Following a link from the open menu navigates there and folds the menu again.
    await menu.click();
    await nav.getByRole('link', { name: 'Account & passkeys' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Account & passkeys' })).toBeVisible();
    await expect(nav).toBeHidden();
    await expect(page.getByTestId('passkey-row')).toHaveCount(1);
    await expectFitsPhone(page, 'account page');
  });

  test('members page fits the screen, also with a new invite link', async () => {
    const { page } = phone;
    await page.goto('/members');
    await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
    await expect(page.getByTestId(/^member-/)).toHaveCount(1);
    // The long invite link must wrap, not widen the page.
    await createInvite(page, uniqueEmail('colleague'), 'Member');
    await shot(page, 'phone-members');
    await expectFitsPhone(page, 'members page with an invite link');
  });

  test('audit page fits the screen', async () => {
    const { page } = phone;
    await page.goto('/audit');
    await expect(page.locator('[data-testid^="audit-"]').first()).toBeVisible();
    await shot(page, 'phone-audit');
    await expectFitsPhone(page, 'audit page');
  });
});
