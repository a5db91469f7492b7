import { expect, test, type APIRequestContext, type Page, type WebSocketRoute } from '@playwright/test';
import { createTeam, fillSignIn, fillSignUp, newUser, snap } from './support.js';

/** A management call with the page's session cookie (and the console's origin, as the server requires). */
async function manage(page: Page, baseURL: string, query: string, variables: Record<string, unknown>) {
  const response = await page.request.post('/graphql', { headers: { origin: baseURL }, data: { query, variables } });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

/** A runtime call with an API key, as a program would make it. */
async function withKey(request: APIRequestContext, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await request.post('/graphql', { headers: { authorization: `Bearer ${key}` }, data: { query, variables } });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
const REGISTER = `mutation ($component: String!, $config: JSON) { registerTrigger(component: $component, config: $config) { trigger { id } } }`;
const RUN = `mutation ($component: String!, $input: JSON!) { runAction(component: $component, input: $input) { status output error { code message } } }`;

test('trigger events stream into the live page, once each, across a dropped connection', async ({ page, request }, testInfo) => {
  const baseURL = testInfo.project.use.baseURL!;
  const owner = newUser('owner');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `Events ${owner.email.slice(6, 14)}`);
  const teamId = new URL(page.url()).pathname.split('/')[2]!;

  const { createApiKey } = await manage(page, baseURL, CREATE_KEY, {
    input: {
      teamId,
      name: 'Orders service',
      scopes: ['READ', 'WRITE'],
      apps: [{ app: 'records', components: ['records.create', 'records.update', 'records.created', 'records.updated'] }],
    },
  });
  const key: string = createApiKey.secret;

  // Every socket the page opens goes through here, so the test can cut it like a network failure would.
  let socket: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    socket = ws;
    ws.connectToServer();
  });

  await page.goto(`/teams/${teamId}/events`);
  await expect(page.getByRole('heading', { level: 1, name: 'Live events' })).toBeVisible();
  await expect(page.getByText('No events yet')).toBeVisible();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();

  await withKey(request, key, REGISTER, { component: 'records.created', config: { collection: 'orders' } });
  await withKey(request, key, REGISTER, { component: 'records.updated', config: { collection: 'orders' } });
  const { runAction: created } = await withKey(request, key, RUN, { component: 'records.create', input: { collection: 'orders', data: { sku: 'LK-42', quantity: 3 } } });
  expect(created.status).toBe('SUCCEEDED');

  const events = page.getByRole('table', { name: 'Trigger events' });
  const payloadButtons = events.getByRole('button', { name: /payload of the records\.created event/ });
  await expect(payloadButtons).toHaveCount(1, { timeout: 2_000 });

  const createdRow = events.getByRole('row', { name: /records\.created/ });
  await expect(createdRow).toContainText('collection: orders');
  await expect(createdRow).toContainText('key Orders service');
  await payloadButtons.click();
  const payload = page.getByLabel('Payload of the records.created event', { exact: true });
  await expect(payload).toContainText('"sku": "LK-42"');
  await expect(payload).toContainText(`"id": "${created.output.id}"`);

  // The connection drops; what happens meanwhile arrives after the reconnect, and nothing twice.
  await socket!.close({ code: 1006, reason: 'network lost' });
  await expect(page.getByText('Reconnecting…')).toBeVisible();
  const { runAction: updated } = await withKey(request, key, RUN, {
    component: 'records.update',
    input: { collection: 'orders', id: created.output.id, data: { sku: 'LK-42', quantity: 5 } },
  });
  expect(updated.status).toBe('SUCCEEDED');
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await expect(events.getByRole('button', { name: /payload of the records\.updated event/ })).toHaveCount(1);
  await page.waitForTimeout(1_000);
  await expect(payloadButtons).toHaveCount(1);
  await expect(events.getByRole('button', { name: /payload of the/ })).toHaveCount(2);

  // Filter by component: only the update is left.
  await page.getByRole('combobox', { name: 'Component' }).click();
  await page.getByRole('option', { name: 'records.updated' }).click();
  await expect(events.getByRole('button', { name: /payload of the records\.updated event/ })).toHaveCount(1);
  await expect(payloadButtons).toHaveCount(0);
  await expect(page.getByText('1 of 2 events')).toBeVisible();
  await snap(page, testInfo, 'events');

  // After a reload the stored history shows both, still once each.
  await page.reload();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await page.getByRole('combobox', { name: 'Component' }).click();
  await page.getByRole('option', { name: 'records.created' }).click();
  await expect(payloadButtons).toHaveCount(1);

  // Signed out elsewhere: the open stream ends, and the page asks to sign in, then comes back here.
  const signOut = await page.request.post('/api/auth/sign-out', { headers: { origin: baseURL }, data: {} });
  expect(signOut.ok()).toBe(true);
  await expect(page).toHaveURL(/\/sign-in\?next=/, { timeout: 20_000 });
  await fillSignIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(new RegExp(`/teams/${teamId}/events\\?component=records\\.created$`));
  await expect(page.getByText('Live', { exact: true })).toBeVisible();
  await expect(payloadButtons).toHaveCount(1);
});
