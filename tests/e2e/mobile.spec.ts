/** Phone-sized screens: no sideways scrolling, and the navigation folds behind "Menu". */
import { expect, test, type Page } from '@playwright/test';
import { createInvite, horizontalOverflow, newPerson, shot, signUp, uniqueEmail, uniqueSuffix, type Person } from './helpers';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function expectNoHorizontalOverflow(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await horizontalOverflow(page);
  expect(innerWidth, 'the phone viewport is in effect').toBe(390);
  expect(scrollWidth, `${what} fits the screen width (scrollWidth ${scrollWidth} > innerWidth ${innerWidth})`).toBeLessThanOrEqual(innerWidth);
}

test.describe('phone viewport (390x844)', () => {
  let phone: Person;

  test.beforeEach(async ({ browser }) => {
    phone = await newPerson(browser, PHONE);
  });

  test.afterEach(async () => {
    await phone?.context.close();
  });

  test('dashboard and members pages fit the screen; Menu toggles the navigation', async () => {
    const { page } = phone;
    await page.goto('/');
    await expectNoHorizontalOverflow(page, 'landing page');
    await page.goto('/signup');
    await expectNoHorizontalOverflow(page, 'sign-up page');

    const name = 'Pat Phone';
    await signUp(page, { orgName: `Pocket Holdings ${uniqueSuffix()}`, displayName: name, email: uniqueEmail('pat') });
    await expectNoHorizontalOverflow(page, 'dashboard');

    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(menu).toBeVisible();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();
    await shot(page, 'phone-dashboard');

    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await expect(nav).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Members' })).toBeVisible();
    await expectNoHorizontalOverflow(page, 'dashboard with the menu open');
    await shot(page, 'phone-dashboard-menu');

    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'false');
    await expect(nav).toBeHidden();

    // Following a link from the open menu navigates and folds the menu again.
    await menu.click();
    await nav.getByRole('link', { name: 'Members' }).click();
    await expect(page).toHaveURL(/\/members$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
    await expect(nav).toBeHidden();
    await expect(page.getByTestId(/^member-/)).toHaveCount(1);
    await expectNoHorizontalOverflow(page, 'members page');

    // The long invite link must wrap, not widen the page.
    await createInvite(page, uniqueEmail('colleague'), 'Member');
    await expectNoHorizontalOverflow(page, 'members page with an invite link');
    await shot(page, 'phone-members');

    await page.goto('/account');
    await expectNoHorizontalOverflow(page, 'account page');
    await page.goto('/audit');
    await expect(page.locator('[data-testid^="audit-"]').first()).toBeVisible();
    await expectNoHorizontalOverflow(page, 'audit page');
    await shot(page, 'phone-audit');
  });
});
