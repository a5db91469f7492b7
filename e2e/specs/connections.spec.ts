import { expect, test, type Page } from '@playwright/test';
import { createTeam, FAKE_LINEAR, FAKE_NOTION, fillSignUp, newUser, snap } from './support.js';

/** A management call with the page's session cookie (the server wants a trusted Origin with it). */
async function asViewer<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await page.request.post('/graphql', { data: { query, variables }, headers: { origin: new URL(page.url()).origin } });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

async function chooseApp(page: Page, name: string) {
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await dialog.getByRole('combobox', { name: 'App' }).click();
  await page.getByRole('option', { name }).click();
}

test('an owner connects Linear and Notion, tests them, and deletes one with the grant that uses it', async ({ page }, testInfo) => {
  const owner = newUser('owner');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `Integrations ${owner.email.slice(6, 14)}`);
  const teamId = /\/teams\/([^/?#]+)/.exec(page.url())![1]!;

  await page.goto(`/teams/${teamId}/connections`);
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  await expect(page.getByText('No connections yet')).toBeVisible();

  // Linear: required fields are checked before anything is sent, a refused key saves nothing.
  await page.getByRole('button', { name: 'New connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection' });
  await chooseApp(page, 'Linear');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Linear (engineering)');
  await expect(dialog.getByRole('radio', { name: 'Personal API key' })).toHaveAttribute('aria-checked', 'true');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByText('Personal API key is required.')).toBeVisible();

  await dialog.getByLabel('Personal API key').fill('lin_api_notAKeyLinearKnows000000000000000000000');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Linear refused the credentials');
  await expect(dialog).toBeVisible();

  await dialog.getByLabel('Personal API key').fill(FAKE_LINEAR.adminKey);
  await snap(page, testInfo, 'connection-create');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();

  const table = page.getByRole('table', { name: 'Connections' });
  const linearRow = table.getByRole('row', { name: /Linear \(engineering\)/ });
  await expect(linearRow).toContainText('ACTIVE');
  await expect(linearRow).toContainText(/read\s*write\s*admin/);
  await expect(linearRow).toContainText('just now');
  await expect(table.getByRole('row')).toHaveCount(2);

  // Reopening the dialog starts empty: the credentials typed before are gone.
  await page.getByRole('button', { name: 'New connection' }).click();
  await expect(dialog.getByRole('combobox', { name: 'App' })).toHaveValue('');
  await chooseApp(page, 'Linear');
  await expect(dialog.getByLabel('Personal API key')).toHaveValue('');

  // Notion: the webhook URL to paste into Notion, and no handshake yet.
  await chooseApp(page, 'Notion');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Notion wiki');
  await dialog.getByLabel('Integration token').fill(FAKE_NOTION.token);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();
  const notionRow = table.getByRole('row', { name: /Notion wiki/ });
  await expect(notionRow).toContainText('ACTIVE');
  await expect(notionRow).toContainText(/read\s*write/);
  await expect(notionRow).toContainText('Handshake not received yet');
  const webhookUrl = (await notionRow.getByLabel('Webhook URL of Notion wiki').textContent())!;
  expect(webhookUrl).toMatch(/\/webhooks\/notion\/[\w-]+$/);
  await expect(notionRow.getByRole('button', { name: 'Copy webhook URL' })).toBeVisible();
  await snap(page, testInfo, 'connections');

  // Notion's handshake arrives; Test re-checks the connection and the row shows what it now knows.
  const handshake = await page.request.post(new URL(webhookUrl).pathname, { data: { verification_token: 'secret_handshakeFromNotion' } });
  expect(handshake.ok()).toBe(true);
  await notionRow.getByRole('button', { name: 'Test' }).click();
  await expect(page.getByText('Notion wiki works')).toBeVisible();
  await expect(notionRow).toContainText('Handshake received');
  // The subscription is made again in Notion: an admin lets Latchkey accept its new handshake.
  await notionRow.getByRole('button', { name: 'Accept a new handshake' }).click();
  const reset = page.getByRole('dialog', { name: 'Accept a new Notion handshake?' });
  await reset.getByRole('button', { name: 'Reset handshake' }).click();
  await expect(reset).toBeHidden();
  await expect(notionRow).toContainText('Handshake not received yet');
  const again = await page.request.post(new URL(webhookUrl).pathname, { data: { verification_token: 'secret_secondHandshake' } });
  expect(again.ok()).toBe(true);
  await notionRow.getByRole('button', { name: 'Test' }).click();
  await expect(notionRow).toContainText('Handshake received');
  await linearRow.getByRole('button', { name: 'Test' }).click();
  await expect(page.getByText('Linear (engineering) works')).toBeVisible();
  await expect(linearRow).toContainText('ACTIVE');

  // A key granted Linear through this connection, with a trigger registered on it.
  const { team } = await asViewer<{ team: { connections: { id: string; name: string }[] } }>(page, 'query($id: ID!) { team(id: $id) { connections { id name } } }', { id: teamId });
  const linearId = team.connections.find((connection) => connection.name === 'Linear (engineering)')!.id;
  const { createApiKey } = await asViewer<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
    page,
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
    {
      input: {
        teamId,
        name: 'Issue bot',
        scopes: ['READ', 'WRITE'],
        apps: [
          { app: 'linear', connectionId: linearId, components: ['linear.createIssue', 'linear.issueCreated'] },
          { app: 'records', components: ['records.create'] },
        ],
      },
    },
  );
  const registered = await page.request.post('/graphql', {
    headers: { authorization: `Bearer ${createApiKey.secret}` },
    data: { query: 'mutation($config: JSON) { registerTrigger(component: "linear.issueCreated", config: $config) { trigger { id } } }', variables: { config: { teamId: FAKE_LINEAR.teamId } } },
  });
  const triggerId = ((await registered.json()) as { data: { registerTrigger: { trigger: { id: string } } } }).data.registerTrigger.trigger.id;

  // Notifications pause while hovered: move away and let them go before reaching for a button under them.
  await page.mouse.move(0, 0);
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 15_000 });
  await linearRow.getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete connection' });
  const removed = confirm.getByRole('region', { name: 'What will be removed' });
  await expect(removed).toContainText('The Linear grant of key Issue bot');
  await expect(removed).toContainText(`Trigger linear.issueCreated (${triggerId})`);
  await confirm.getByRole('button', { name: 'Delete connection' }).click();
  await expect(confirm).toBeHidden();
  await expect(linearRow).toHaveCount(0);
  await expect(notionRow).toBeVisible();

  const after = await asViewer<{ team: { apiKey: { apps: { app: { key: string } }[]; triggers: { id: string }[] } } }>(
    page,
    'query($id: ID!, $key: ID!) { team(id: $id) { apiKey(id: $key) { apps { app { key } } triggers { id } } } }',
    { id: teamId, key: createApiKey.apiKey.id },
  );
  expect(after.team.apiKey.apps.map((grant) => grant.app.key)).toEqual(['records']);
  expect(after.team.apiKey.triggers).toEqual([]);
});

test('the form follows each app’s schema; the OAuth alternative of Linear records the scopes it was given', async ({ page }, testInfo) => {
  const owner = newUser('owner');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `OAuth ${owner.email.slice(6, 14)}`);
  const teamId = /\/teams\/([^/?#]+)/.exec(page.url())![1]!;

  await page.goto(`/teams/${teamId}/connections`);
  await page.getByRole('button', { name: 'New connection' }).click();
  const dialog = page.getByRole('dialog', { name: 'New connection' });

  // Each app's form follows its schema: SMTP asks for typed fields with their defaults.
  await chooseApp(page, 'Email (SMTP)');
  await expect(dialog.getByRole('textbox', { name: 'SMTP host' })).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Port' })).toHaveValue('587');
  await expect(dialog.getByRole('switch', { name: 'TLS from the start' })).not.toBeChecked();
  await expect(dialog.getByRole('textbox', { name: 'Password', exact: true })).toHaveAttribute('type', 'password');
  await snap(page, testInfo, 'connection-create-smtp');

  await chooseApp(page, 'Linear');
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Linear read-only');
  await dialog.getByRole('radio', { name: 'OAuth access token' }).click();
  await expect(dialog.getByLabel('Personal API key')).toHaveCount(0);
  await dialog.getByLabel('OAuth access token').fill(FAKE_LINEAR.readOnlyToken);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog.getByText('Granted scopes is required.')).toBeVisible();
  const scopes = dialog.getByRole('combobox', { name: 'Granted scopes' });
  await scopes.fill('read');
  await scopes.press('Enter');
  await dialog.getByRole('button', { name: 'Connect' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('table', { name: 'Connections' }).getByRole('row', { name: /Linear read-only/ });
  await expect(row).toContainText('ACTIVE');
  await expect(row.getByText('read', { exact: true })).toBeVisible();
  await expect(row.getByText('write', { exact: true })).toHaveCount(0);
});

test('a member sees the connections but no way to add, test or delete them', async ({ page, browser }, testInfo) => {
  const owner = newUser('owner');
  const member = newUser('member');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `Readers ${owner.email.slice(6, 14)}`);
  const teamId = /\/teams\/([^/?#]+)/.exec(page.url())![1]!;
  await asViewer(page, 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
    input: { teamId, app: 'linear', name: 'Shared Linear', credentials: { apiKey: FAKE_LINEAR.memberKey } },
  });
  const { inviteMember } = await asViewer<{ inviteMember: { link: string } }>(page, 'mutation($teamId: ID!, $email: String!) { inviteMember(teamId: $teamId, email: $email, role: MEMBER) { link } }', {
    teamId,
    email: member.email,
  });

  const { baseURL, viewport } = testInfo.project.use;
  const memberContext = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
  const memberPage = await memberContext.newPage();
  await memberPage.goto(inviteMember.link);
  await memberPage.getByRole('link', { name: 'Create an account' }).click();
  await fillSignUp(memberPage, member);
  await expect(memberPage.getByText('Your role: Member')).toBeVisible();

  await memberPage.goto(`/teams/${teamId}/connections`);
  const row = memberPage.getByRole('table', { name: 'Connections' }).getByRole('row', { name: /Shared Linear/ });
  await expect(row).toContainText('ACTIVE');
  await expect(row).toContainText(/read\s*write/);
  await expect(row).not.toContainText('admin');
  await expect(memberPage.getByRole('button', { name: 'New connection' })).toHaveCount(0);
  await expect(memberPage.getByRole('button', { name: 'Test', exact: true })).toHaveCount(0);
  await expect(memberPage.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);
  await memberContext.close();
});
