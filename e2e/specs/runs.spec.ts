import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { createTeam, fillSignUp, newUser, snap } from './support.js';

/** A management call with the page's session cookie (and the console's origin, as the server requires). */
async function manage(page: Page, baseURL: string, query: string, variables: Record<string, unknown>) {
  const response = await page.request.post('/graphql', { headers: { origin: baseURL }, data: { query, variables } });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

/** A runtime call with an API key, as a program would make it. */
async function runAction(request: APIRequestContext, key: string, component: string, input: unknown) {
  const response = await request.post('/graphql', {
    headers: { authorization: `Bearer ${key}` },
    data: { query: 'mutation ($component: String!, $input: JSON!) { runAction(component: $component, input: $input) { status output error { code } } }', variables: { component, input } },
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!.runAction as { status: string; output: any; error: { code: string } | null };
}

const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;

test('runs made with a key show their status, key and error, filter by status, and the audit log names the key creation', async ({ page, request }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const owner = newUser('owner');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `Runs ${owner.email.slice(6, 14)}`);
  const teamId = new URL(page.url()).pathname.split('/')[2]!;

  await page.goto(`/teams/${teamId}/runs`);
  await expect(page.getByRole('heading', { name: 'No action runs yet' })).toBeVisible();

  const { createApiKey } = await manage(page, baseURL, CREATE_KEY, {
    input: { teamId, name: 'Inventory sync', scopes: ['READ', 'WRITE'], apps: [{ app: 'records', components: ['records.create', 'records.get'] }] },
  });
  const key: string = createApiKey.secret;
  const created = await runAction(request, key, 'records.create', { collection: 'stock', data: { sku: 'LK-7' } });
  expect(created.status).toBe('SUCCEEDED');
  const missing = await runAction(request, key, 'records.get', { collection: 'stock', id: 'no-such-record' });
  expect(missing).toMatchObject({ status: 'FAILED', error: { code: 'NOT_FOUND' } });

  await page.reload();
  const runs = page.getByRole('table', { name: 'Action runs' });
  const succeeded = runs.getByRole('row', { name: /records\.create/ });
  const failed = runs.getByRole('row', { name: /records\.get/ });
  await expect(succeeded).toContainText('Succeeded');
  await expect(succeeded).toContainText('Inventory sync');
  await expect(failed).toContainText('Failed');
  await expect(failed).toContainText('NOT_FOUND');
  await expect(failed).toContainText('No record with this id in this collection.');
  await snap(page, testInfo, 'runs');

  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Failed' }).click();
  await expect(succeeded).toHaveCount(0);
  await expect(failed).toHaveCount(1);
  await expect(page).toHaveURL(/status=FAILED/);
  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Succeeded' }).click();
  await expect(failed).toHaveCount(0);
  await expect(succeeded).toHaveCount(1);

  // Any status, one component.
  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Succeeded' }).click();
  await expect(failed).toHaveCount(1);
  await page.getByRole('combobox', { name: 'Component' }).fill('records.get');
  await page.getByRole('option', { name: 'records.get' }).click();
  await expect(page).toHaveURL(/component=records\.get/);
  await expect(failed).toHaveCount(1);
  await expect(succeeded).toHaveCount(0);

  // Deleting the key keeps its runs, which no longer name it.
  await manage(page, baseURL, 'mutation ($id: ID!) { deleteApiKey(id: $id) }', { id: createApiKey.apiKey.id });
  await page.goto(`/teams/${teamId}/runs`);
  await expect(succeeded).toContainText('deleted key');
  await expect(failed).toContainText('deleted key');

  await page.goto(`/teams/${teamId}/audit`);
  const log = page.getByRole('table', { name: 'Audit log' });
  const creation = log.getByRole('row', { name: /apiKey\.create/ });
  await expect(creation).toContainText(owner.name);
  await expect(creation).toContainText(createApiKey.apiKey.id);
  await expect(log.getByRole('row', { name: /apiKey\.delete/ })).toBeVisible();
  await creation.getByRole('button', { name: 'Show details of apiKey.create' }).click();
  await expect(page.getByLabel('Details of apiKey.create', { exact: true })).toContainText('"name": "Inventory sync"');
  await snap(page, testInfo, 'audit');
});
