import { expect, test } from '@playwright/test';
import { createTeam, fillSignUp, newUser, snap } from './support.js';

test('the catalog shows each component by app, with its kind, scope, permissions and fields', async ({ page }, testInfo) => {
  const owner = newUser('owner');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `Catalog ${owner.email.slice(6, 14)}`);
  const teamId = /\/teams\/([^/?#]+)/.exec(page.url())![1]!;

  await page.goto(`/teams/${teamId}/components`);
  await expect(page.getByRole('heading', { level: 1, name: 'Components' })).toBeVisible();
  for (const app of ['Records', 'Linear', 'Notion']) await expect(page.getByRole('heading', { level: 2, name: app })).toBeVisible();

  const createIssue = page.getByRole('article', { name: 'linear.createIssue' });
  await expect(createIssue.getByLabel('Kind: action')).toBeVisible();
  await expect(createIssue).toContainText('scope WRITE');
  await expect(createIssue).toContainText('needs write');
  const input = createIssue.getByRole('table', { name: 'linear.createIssue input' });
  await expect(input.getByRole('row', { name: /^teamId/ })).toContainText('required');
  await expect(input.getByRole('row', { name: /^title/ })).toContainText(/string\s*required/);
  await expect(input.getByRole('row', { name: /^priority/ })).toContainText(/integer\s*optional.*0–4/);
  await expect(input.getByRole('row', { name: /^labelIds/ })).toContainText('array of string');
  const output = createIssue.getByRole('table', { name: 'linear.createIssue output' });
  await expect(output.getByRole('row', { name: /^url/ })).toContainText('string (uri)');

  // Nested fields are rows of their own, under their parent: Notion's page parent is one of two shapes.
  const createPage = page.getByRole('article', { name: 'notion.createPage' });
  const pageInput = createPage.getByRole('table', { name: 'notion.createPage input' });
  await expect(pageInput.getByRole('row', { name: /^databaseId/ })).toBeVisible();
  await expect(pageInput.getByRole('row', { name: /^pageId/ })).toBeVisible();

  // The raw schema is one click away.
  await createIssue.getByRole('button', { name: 'Show JSON (linear.createIssue input)' }).click();
  await expect(createIssue.getByLabel('linear.createIssue input as JSON')).toContainText('"required": [');
  await createIssue.getByRole('button', { name: 'Hide JSON (linear.createIssue input)' }).click();
  await snap(page, testInfo, 'components');

  // Filters: one app, then its triggers only.
  await page.getByRole('combobox', { name: 'App' }).click();
  await page.getByRole('option', { name: 'Linear' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Records' })).toHaveCount(0);
  await page.getByRole('radiogroup', { name: 'Kind' }).getByText('Triggers').click();
  await expect(createIssue).toHaveCount(0);
  const issueCreated = page.getByRole('article', { name: 'linear.issueCreated' });
  await expect(issueCreated.getByLabel('Kind: trigger')).toBeVisible();
  await expect(issueCreated).toContainText('needs admin');
  await expect(issueCreated.getByRole('table', { name: 'linear.issueCreated config' }).getByRole('row', { name: /^teamId/ })).toContainText('required');
  await expect(page).toHaveURL(/app=linear/);
  await expect(page).toHaveURL(/kind=TRIGGER/);

  await page.getByRole('searchbox', { name: 'Search' }).fill('nothing matches this');
  await expect(page.getByText('No component matches these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Records' })).toBeVisible();
});
