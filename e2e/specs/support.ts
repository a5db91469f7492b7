import { randomBytes } from 'node:crypto';
import { expect, type Page, type TestInfo } from '@playwright/test';

export interface NewUser {
  name: string;
  email: string;
  password: string;
}

/** A user nobody has signed up with yet (tests run in parallel, and twice per run: one per viewport). */
export function newUser(role: string): NewUser {
  const id = randomBytes(4).toString('hex');
  return { name: `${role[0]!.toUpperCase()}${role.slice(1)} ${id}`, email: `${role}-${id}@example.test`, password: `pw-${randomBytes(8).toString('hex')}` };
}

export const DEMO = { email: 'demo@latchkey.dev', password: 'latchkey-demo', team: 'Demo team' };

/** Saves a full-page screenshot as `e2e/artifacts/<viewport>/<name>.png`. */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: `artifacts/${testInfo.project.name}/${name}.png`, fullPage: true });
}

/** Fills the sign-up form that is on screen. */
export async function fillSignUp(page: Page, user: NewUser): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name' }).fill(user.name);
  await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

export async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Creates a team from the team switcher (or the empty state) and waits for its page. */
export async function createTeam(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Create a team' });
  await dialog.getByRole('textbox', { name: 'Team name' }).fill(name);
  await dialog.getByRole('button', { name: 'Create team' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export function teamSwitcher(page: Page) {
  return page.getByRole('button', { name: /switch team/i });
}

/** What the fake Linear beside the e2e server accepts (server/test/fakes/linear.ts). */
export const FAKE_LINEAR = {
  adminKey: 'lin_api_fakeAdminKey0000000000000000000000000000',
  memberKey: 'lin_api_fakeMemberKey000000000000000000000000000',
  /** An OAuth token granted only `read`. */
  readOnlyToken: 'lin_oauth_fakeReadOnlyToken000000000000000000000',
  teamId: 'f0b3c4d5-0000-4000-8000-00000000e001',
};

/** What the fake Notion beside the e2e server accepts (server/test/fakes/notion.ts). */
export const FAKE_NOTION = {
  token: 'ntn_fakeIntegrationToken0000000000000000000000',
  databaseId: '8a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
};
