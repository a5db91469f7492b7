import { expect, test, type Locator, type Page } from '@playwright/test';
import { API_KEY_PATTERN, signUpWithTeam } from './keys-support.js';
import { newUser } from './support.js';

/** Presses Tab until `target` has the focus: it must be reachable from the keyboard, in at most `limit` steps. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  for (let step = 0; step < limit; step++) {
    // (Typed loosely: the specs are compiled without the DOM's types.)
    if (await target.evaluate((element: unknown) => element === (globalThis as { document?: { activeElement: unknown } }).document?.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${String(target)} was not reached with Tab in ${limit} steps`);
}

test('an admin creates a key and closes its reveal with the keyboard alone', async ({ page }) => {
  const owner = newUser('owner');
  const teamId = await signUpWithTeam(page, owner, `Keyboard ${owner.email.slice(6, 14)}`);

  // From the team page, through the navigation, to the create form: Tab and Enter only.
  await page.goto(`/teams/${teamId}`);
  // At 768 px the navigation is folded behind its toggle.
  const toggle = page.getByRole('button', { name: 'Toggle navigation' });
  if (await toggle.isVisible()) {
    await tabTo(page, toggle);
    await page.keyboard.press('Enter');
  }
  await tabTo(page, page.getByRole('link', { name: 'API keys' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  await tabTo(page, page.getByRole('link', { name: 'Create API key' }).first());
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Create API key' })).toBeVisible();

  await tabTo(page, page.getByRole('textbox', { name: 'Name' }));
  await page.keyboard.type('Keyboard service');
  for (const checkbox of ['Read', 'Write', 'Records', 'records.create']) {
    const box = page.getByRole('checkbox', { name: checkbox, exact: true });
    await tabTo(page, box);
    if (!(await box.isChecked())) await page.keyboard.press('Space');
    await expect(box).toBeChecked();
  }
  await tabTo(page, page.getByRole('button', { name: 'Create API key' }));
  await page.keyboard.press('Enter');

  // The reveal: the key is shown, and the dialog closes only once the copy is confirmed.
  const code = page.getByLabel('New API key');
  await expect(code).toBeVisible();
  expect((await code.textContent())!.trim()).toMatch(API_KEY_PATTERN);
  const confirm = page.getByRole('checkbox', { name: 'I have copied the key' });
  await tabTo(page, confirm);
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Done' }));
  await page.keyboard.press('Enter');
  await expect(code).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /Keyboard service/ })).toContainText(/active/i);
});
