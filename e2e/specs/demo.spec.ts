import { expect, test } from '@playwright/test';
import { DEMO, fillSignIn, snap, teamSwitcher } from './support.js';

test('the demo login opens the demo team, coming back to the page asked for', async ({ page }, testInfo) => {
  await page.goto('/teams/demo-team');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fteams%2Fdemo-team$/);

  await fillSignIn(page, DEMO.email, 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('Wrong email or password.');

  await fillSignIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/teams\/demo-team$/);
  await expect(page.getByRole('heading', { level: 1, name: DEMO.team })).toBeVisible();
  await expect(teamSwitcher(page)).toContainText(DEMO.team);
  await expect(page.getByText('Your role: Owner')).toBeVisible();
  await snap(page, testInfo, 'team-demo');
});
