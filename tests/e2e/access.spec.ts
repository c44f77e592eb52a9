/** What a visitor without a session gets. */
import { expect, test } from '@playwright/test';

test.describe('signed-out visitor', () => {
  for (const path of ['/dashboard', '/members', '/audit', '/account']) {
    test(`is redirected from ${path} to sign-in`, async ({ page }) => {
      const response = await page.goto(path);
      await expect(page).toHaveURL(/\/signin$/);
      expect(response?.ok()).toBe(true);
      await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeVisible();
      // No workspace chrome leaks out to a signed-out visitor.
      await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
      await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    });
  }

  test('an invite page without a token explains what is missing', async ({ page }) => {
    await page.goto('/invite');
    await expect(page.getByText('No invite token')).toBeVisible();
    await expect(page.getByRole('button', { name: /with a passkey/ })).toHaveCount(0);
  });
});
