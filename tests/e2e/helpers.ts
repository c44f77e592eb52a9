/**
 * Shared steps for the end-to-end suite. Every person gets their own browser context (own
 * cookies) and their own Chromium virtual WebAuthn authenticator, attached over CDP to the page.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type CDPSession, type Page } from '@playwright/test';

export const SCREENSHOT_DIR = path.join(process.cwd(), 'test-results', 'screenshots');

/** A unique suffix per run and call, so reruns against a kept database never collide. */
let counter = 0;
export function uniqueSuffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}${counter}`;
}

export function uniqueEmail(who: string): string {
  return `${who}.${uniqueSuffix()}@e2e.example`;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  /** Ids of the virtual authenticators attached to `page`, oldest first. */
  authenticators: string[];
}

const AUTHENTICATOR_OPTIONS = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
} as const;

/** Adds a fresh virtual platform authenticator (an empty "device") to the person's page. */
export async function addAuthenticator(person: Pick<Person, 'cdp' | 'authenticators'>): Promise<string> {
  const { authenticatorId } = await person.cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR_OPTIONS });
  person.authenticators.push(authenticatorId);
  return authenticatorId;
}

export async function removeAuthenticator(person: Pick<Person, 'cdp' | 'authenticators'>, authenticatorId: string): Promise<void> {
  await person.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  person.authenticators.splice(person.authenticators.indexOf(authenticatorId), 1);
}

/** Number of credentials (passkeys) the given virtual authenticator holds. */
export async function credentialCount(person: Pick<Person, 'cdp'>, authenticatorId: string): Promise<number> {
  const { credentials } = await person.cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials.length;
}

/** A new browser context with one page and one virtual authenticator. */
export async function newPerson(browser: Browser, options: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const person: Person = { context, page, cdp, authenticators: [] };
  await addAuthenticator(person);
  return person;
}

/** Sign up a new organisation; ends on the dashboard of its first admin. */
export async function signUp(page: Page, who: { orgName: string; displayName: string; email: string }, screenshot?: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Organisation name').fill(who.orgName);
  await page.getByLabel('Your name').fill(who.displayName);
  await page.getByLabel('Work email').fill(who.email);
  if (screenshot) await shot(page, screenshot);
  await page.getByRole('button', { name: 'Create organisation with a passkey' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${who.displayName}` })).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeVisible();
}

export async function signIn(page: Page, displayName: string): Promise<void> {
  if (!/\/signin$/.test(page.url())) await page.goto('/signin');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: `Welcome, ${displayName}` })).toBeVisible();
}

/** As an admin on /members: create an invite link for `email` with `role` and return it. */
export async function createInvite(page: Page, email: string, role: 'Admin' | 'Member' | 'Auditor'): Promise<string> {
  await page.goto('/members');
  const card = page.getByRole('region', { name: 'Invite a member' });
  await card.getByLabel('Email').fill(email);
  await card.getByLabel('Role', { exact: true }).selectOption({ label: role });
  await card.getByRole('button', { name: 'Create invite link' }).click();
  const link = page.getByTestId('invite-url');
  await expect(link).toBeVisible();
  const url = (await link.innerText()).trim();
  return url;
}

/** A full-page screenshot into test-results/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let web fonts and late layout settle so the picture shows the finished page.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Horizontal overflow of the whole page, in CSS pixels (0 when it fits the viewport). */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
}
