import { expect, test } from '@playwright/test';
import {
  API_KEY_INFO,
  RECORDS_CREATE,
  REGISTER_RECORDS_TRIGGER,
  createLinearConnectionInConsole,
  fillKeyForm,
  keyGraphQL,
  openCreateKey,
  sessionGraphQL,
  signUpWithTeam,
  takeRevealedKey,
} from './keys-support.js';
import { FAKE_LINEAR, fillSignUp, newUser, snap } from './support.js';

const keysTable = (page: import('@playwright/test').Page) => page.getByRole('table', { name: 'API keys' });

test.describe('API keys', () => {
  test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

  test('an owner creates a key granting Linear and records, sees it once; the copied key runs records.create and its trigger shows on the live page', async ({ page, request }, testInfo) => {
    const owner = newUser('owner');
    const teamId = await signUpWithTeam(page, owner, `Keys ${owner.email.slice(6, 14)}`);
    await createLinearConnectionInConsole(page, teamId, { name: 'Linear (engineering)', apiKey: FAKE_LINEAR.adminKey });

    await openCreateKey(page, teamId);
    await fillKeyForm(page, {
      name: 'Billing service',
      scopes: ['Read', 'Write'],
      grants: [
        { app: 'Linear', components: ['linear.createIssue'], connection: 'Linear (engineering)' },
        { app: 'Records', components: ['records.create', 'records.created'] },
      ],
    });
    await expect(page.getByRole('combobox', { name: 'Linear connection' })).toHaveAccessibleDescription(/Granted: .*write/);
    await snap(page, testInfo, 'key-create');
    await page.getByRole('button', { name: 'Create API key' }).click();

    const secret = await takeRevealedKey(page, async (shown) => {
      await expect(page.getByLabel('curl example')).toContainText(`authorization: Bearer ${shown}`);
      await expect(page.getByText('This is the only time Latchkey shows it', { exact: false })).toBeVisible();
      await snap(page, testInfo, 'key-reveal');
      await page.getByRole('button', { name: 'Copy' }).click();
      await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(shown);
    });

    const row = keysTable(page).getByRole('row', { name: /Billing service/ });
    await expect(row).toContainText(`lk_…${secret.slice(-4)}`);
    await expect(row).toContainText(/active/i);
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await expect(row).toContainText(secret.slice(-4));
    await expect(row).toContainText('never');
    await expect(row.getByRole('img', { name: '0 runs in the last 14 days' })).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    await snap(page, testInfo, 'keys-list');

    // The copied key registers a trigger, then runs records.create: the event is on the live page within 2 s.
    const registered = await keyGraphQL(request, secret, REGISTER_RECORDS_TRIGGER);
    expect(registered.status).toBe(200);
    await page.goto(`/teams/${teamId}/events`);
    await expect(page.getByText('Live', { exact: true })).toBeVisible();
    const run = await keyGraphQL(request, secret, RECORDS_CREATE, { input: { collection: 'orders', data: { total: 42 } } });
    expect(run.status).toBe(200);
    expect(run.data).toMatchObject({ runAction: { status: 'SUCCEEDED', output: { collection: 'orders', data: { total: 42 } }, error: null } });
    const liveRow = page.getByRole('table', { name: 'Trigger events' }).getByRole('row', { name: /records\.created/ });
    await expect(liveRow).toBeVisible({ timeout: 2_000 });
    await expect(liveRow).toContainText('key Billing service');
    await page.goto(`/teams/${teamId}/keys`);

    await page.reload();
    await expect(row).not.toContainText('never');
    await expect(row.getByRole('img', { name: '1 run in the last 14 days' })).toBeVisible();
    await row.getByRole('link', { name: 'Billing service' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Billing service' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Recent runs' })).toContainText('records.create');
    await expect(page.getByRole('table', { name: 'Grants' })).toContainText('Linear (engineering)');
    await snap(page, testInfo, 'key-detail');

    await page.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: /Delete/ });
    await expect(remove).toContainText('records.created');
    await remove.getByRole('button', { name: 'Delete key' }).click();
    await expect(page.getByRole('heading', { name: 'No API keys yet' })).toBeVisible();
    const deleted = await keyGraphQL(request, secret, RECORDS_CREATE, { input: { collection: 'orders', data: { total: 1 } } });
    expect(deleted.status).toBe(401);
    expect(deleted.code).toBe('UNAUTHENTICATED');
  });

  test('granting linear.createIssue through a read-only connection shows the server’s refusal at the connection and saves nothing', async ({ page }, testInfo) => {
    const owner = newUser('owner');
    const teamId = await signUpWithTeam(page, owner, `Keys ${owner.email.slice(6, 14)}`);
    await createLinearConnectionInConsole(page, teamId, { name: 'Linear read-only', accessToken: FAKE_LINEAR.readOnlyToken, scopes: ['read'] });

    await openCreateKey(page, teamId);
    await fillKeyForm(page, {
      name: 'Issue bot',
      scopes: ['Write'],
      grants: [{ app: 'Linear', components: ['linear.createIssue'], connection: 'Linear read-only' }],
    });
    await page.getByRole('button', { name: 'Create API key' }).click();

    const select = page.getByRole('combobox', { name: 'Linear connection' });
    await expect(select).toHaveAttribute('aria-invalid', 'true');
    await expect(select).toBeFocused();
    await expect(select).toHaveAccessibleDescription(/lacks the permission write/);
    await expect(page.getByRole('alert')).toContainText('Nothing was saved');
    await snap(page, testInfo, 'key-create-refused');
    await expect(page.getByLabel('New API key')).toHaveCount(0);

    await page.goto(`/teams/${teamId}/keys`);
    await expect(page.getByRole('heading', { name: 'No API keys yet' })).toBeVisible();
  });

  test('regenerating kills the old secret, revoking kills the new one and its triggers, and the list follows', async ({ page, request }, testInfo) => {
    const owner = newUser('owner');
    const teamId = await signUpWithTeam(page, owner, `Keys ${owner.email.slice(6, 14)}`);
    await openCreateKey(page, teamId);
    await fillKeyForm(page, { name: 'Importer', scopes: ['Read', 'Write'], grants: [{ app: 'Records', components: ['records.create', 'records.created'] }] });
    await page.getByRole('button', { name: 'Create API key' }).click();
    const first = await takeRevealedKey(page);
    expect((await keyGraphQL(request, first, API_KEY_INFO)).status).toBe(200);

    await keysTable(page).getByRole('link', { name: 'Importer' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Importer' })).toBeVisible();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Orders importer');
    await page.getByLabel('Expires').fill('2030-01-31T12:00');
    await snap(page, testInfo, 'key-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Orders importer' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Key details' })).toContainText('2030');

    await page.getByRole('button', { name: 'Regenerate' }).click();
    const regenerate = page.getByRole('dialog', { name: /Regenerate/ });
    await expect(regenerate.getByRole('combobox', { name: 'Grace period' })).toHaveValue('0');
    await regenerate.getByRole('button', { name: 'Regenerate key' }).click();
    const second = await takeRevealedKey(page);
    expect(second).not.toBe(first);

    const old = await keyGraphQL(request, first, API_KEY_INFO);
    expect(old.status).toBe(401);
    expect(old.code).toBe('UNAUTHENTICATED');
    expect((await keyGraphQL(request, second, API_KEY_INFO)).status).toBe(200);
    await expect(page.getByText(`lk_…${second.slice(-4)}`)).toBeVisible();
    expect(await page.content()).not.toContain(second);

    const registered = await keyGraphQL(request, second, REGISTER_RECORDS_TRIGGER);
    expect(registered.code).toBeNull();
    await page.reload();
    await expect(page.getByRole('table', { name: 'Triggers' })).toContainText('records.created');

    await page.getByRole('button', { name: 'Revoke' }).click();
    const revoke = page.getByRole('dialog', { name: /Revoke/ });
    await expect(revoke.getByRole('list', { name: 'Triggers removed' })).toContainText('records.created');
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await expect(revoke).toBeHidden();
    await expect(page.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Regenerate' })).toHaveCount(0);
    await expect(page.getByText('This key has registered no triggers.')).toBeVisible();
    await snap(page, testInfo, 'key-detail-revoked');
    const revoked = await keyGraphQL(request, second, API_KEY_INFO);
    expect(revoked.status).toBe(401);
    expect(revoked.code).toBe('UNAUTHENTICATED');

    await page.getByRole('main').getByRole('link', { name: 'API keys' }).click();
    const row = keysTable(page).getByRole('row', { name: /Orders importer/ });
    await expect(row).toContainText(/revoked/i);
    await page.locator('label', { hasText: /^Active$/ }).click();
    await expect(page.getByRole('radio', { name: 'Active' })).toBeChecked();
    await expect(page.getByText('No active keys.')).toBeVisible();
    await page.locator('label', { hasText: /^Revoked$/ }).click();
    await expect(row).toBeVisible();
    await snap(page, testInfo, 'keys-list-revoked');
  });

  test('a member sees the keys and a key’s detail without any management button', async ({ page, browser }, testInfo) => {
    const owner = newUser('owner');
    const member = newUser('member');
    const teamId = await signUpWithTeam(page, owner, `Keys ${owner.email.slice(6, 14)}`);
    const created = await sessionGraphQL<{ createApiKey: { apiKey: { id: string; lastFour: string } } }>(
      page,
      `mutation Create($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id lastFour } } }`,
      { input: { teamId, name: 'Reporting', scopes: ['READ'], apps: [{ app: 'records', components: ['records.list'] }] } },
    );
    const invitation = await sessionGraphQL<{ inviteMember: { link: string } }>(
      page,
      `mutation Invite($teamId: ID!, $email: String!) { inviteMember(teamId: $teamId, email: $email, role: MEMBER) { link } }`,
      { teamId, email: member.email },
    );

    const { baseURL, viewport } = testInfo.project.use;
    const memberContext = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
    const memberPage = await memberContext.newPage();
    await memberPage.goto(invitation.inviteMember.link);
    await memberPage.getByRole('link', { name: 'Create an account' }).click();
    await fillSignUp(memberPage, member);
    await expect(memberPage.getByText('Your role: Member')).toBeVisible();

    await memberPage.goto(`/teams/${teamId}/keys`);
    const row = keysTable(memberPage).getByRole('row', { name: /Reporting/ });
    await expect(row).toContainText(created.createApiKey.apiKey.lastFour);
    await expect(memberPage.getByRole('link', { name: 'Create API key' })).toHaveCount(0);
    await expect(memberPage.getByRole('button', { name: 'Create API key' })).toHaveCount(0);
    await snap(memberPage, testInfo, 'keys-list-member');

    await row.getByRole('link', { name: 'Reporting' }).click();
    await expect(memberPage.getByRole('heading', { level: 1, name: 'Reporting' })).toBeVisible();
    await expect(memberPage.getByRole('table', { name: 'Grants' })).toContainText('records.list');
    for (const name of ['Edit', 'Regenerate', 'Revoke', 'Delete', 'Create API key']) {
      await expect(memberPage.getByRole('button', { name })).toHaveCount(0);
    }
    await snap(memberPage, testInfo, 'key-detail-member');
    await memberPage.goto(`/teams/${teamId}/keys/new`);
    await expect(memberPage.getByRole('heading', { name: 'Only owners and admins create keys' })).toBeVisible();
    await memberContext.close();
  });
});
