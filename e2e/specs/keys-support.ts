import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { createTeam, fillSignUp, type NewUser } from './support.js';

/** Signs `user` up, creates a team and returns its id (from the team page's address). */
export async function signUpWithTeam(page: Page, user: NewUser, teamName: string): Promise<string> {
  await page.goto('/sign-up');
  await fillSignUp(page, user);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, teamName);
  const teamId = /\/teams\/([^/?#]+)/.exec(page.url())?.[1];
  expect(teamId, 'the team page address carries the team id').toBeTruthy();
  return teamId!;
}

/** A management request with the page's session cookie (the server wants a trusted Origin with it). */
export async function sessionGraphQL<T = Record<string, unknown>>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const origin = new URL(page.url()).origin;
  const response = await page.request.post('/graphql', { data: { query, variables }, headers: { origin } });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

export interface KeyCall {
  status: number;
  code: string | null;
  data: Record<string, unknown> | null;
}

/** A runtime request made with an API key, the way a program would. */
export async function keyGraphQL(request: APIRequestContext, key: string, query: string, variables: Record<string, unknown> = {}): Promise<KeyCall> {
  const response = await request.post('/graphql', { data: { query, variables }, headers: { authorization: `Bearer ${key}` } });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status(), code: body.errors?.[0]?.extensions?.code ?? null, data: body.data ?? null };
}

export const API_KEY_PATTERN = /^lk_[0-9A-Za-z]{46}$/;

/**
 * Creates a Linear connection through the console's Connections page ("New connection" dialog:
 * App, Name, then the credential fields of Linear's schema, submitted with "Connect").
 */
export async function createLinearConnectionInConsole(
  page: Page,
  teamId: string,
  connection: { name: string } & ({ apiKey: string } | { accessToken: string; scopes: string[] }),
): Promise<void> {
  await page.goto(`/teams/${teamId}/connections`);
  await page.getByRole('button', { name: 'New connection' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByRole('combobox', { name: 'App' }).click();
  await page.getByRole('option', { name: 'Linear' }).click();
  await dialog.getByRole('textbox', { name: 'Name' }).fill(connection.name);
  if ('apiKey' in connection) {
    await dialog.getByLabel('Personal API key').fill(connection.apiKey);
  } else {
    await dialog.getByRole('radio', { name: 'OAuth access token' }).click();
    await dialog.getByLabel('OAuth access token').fill(connection.accessToken);
    const scopes = dialog.getByRole('combobox', { name: 'Granted scopes' });
    for (const scope of connection.scopes) {
      await scopes.fill(scope);
      await scopes.press('Enter');
    }
  }
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(connection.name).first()).toBeVisible();
}

/** Opens the create page from the keys list (its empty state or its header). */
export async function openCreateKey(page: Page, teamId: string): Promise<void> {
  await page.goto(`/teams/${teamId}/keys`);
  await page.getByRole('link', { name: 'Create API key' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create API key' })).toBeVisible();
}

/** Fills the key form on screen: name, scopes, and per app its components and connection. */
export async function fillKeyForm(
  page: Page,
  key: { name: string; scopes: ('Read' | 'Write' | 'Delete')[]; grants: { app: string; components: string[]; connection?: string }[] },
): Promise<void> {
  await page.getByRole('textbox', { name: 'Name' }).fill(key.name);
  for (const scope of ['Read', 'Write', 'Delete'] as const) {
    await page.getByRole('checkbox', { name: scope, exact: true }).setChecked(key.scopes.includes(scope));
  }
  for (const grant of key.grants) {
    await page.getByRole('checkbox', { name: grant.app, exact: true }).check();
    for (const component of grant.components) await page.getByRole('checkbox', { name: component, exact: true }).check();
    if (grant.connection) {
      const select = page.getByRole('combobox', { name: `${grant.app} connection` });
      const option = select.locator('option', { hasText: grant.connection });
      await select.selectOption(await option.first().getAttribute('value'));
    }
  }
}

/** Reads the secret from the one-time reveal dialog, then confirms and closes it. */
export async function takeRevealedKey(page: Page, beforeClosing?: (secret: string) => Promise<void>): Promise<string> {
  const code = page.getByLabel('New API key');
  await expect(code).toBeVisible();
  const secret = (await code.textContent())!.trim();
  expect(secret).toMatch(API_KEY_PATTERN);
  if (beforeClosing) await beforeClosing(secret);
  const done = page.getByRole('button', { name: 'Done' });
  await expect(done).toBeDisabled();
  await page.getByRole('checkbox', { name: 'I have copied the key' }).check();
  await done.click();
  await expect(code).toHaveCount(0);
  return secret;
}

export const RECORDS_CREATE = `mutation Run($input: JSON!) { runAction(component: "records.create", input: $input) { status output error { code message } } }`;
export const API_KEY_INFO = `{ apiKeyInfo { id name } }`;
export const REGISTER_RECORDS_TRIGGER = `mutation { registerTrigger(component: "records.created", config: { collection: "orders" }) { trigger { id } } }`;
