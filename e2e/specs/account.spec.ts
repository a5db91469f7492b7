import { expect, test } from '@playwright/test';
import { createTeam, fillSignUp, newUser, snap, teamSwitcher } from './support.js';

test('a new user signs up, creates a team that survives a reload, and signs out', async ({ page }, testInfo) => {
  const user = newUser('owner');
  const teamName = `Automations ${user.email.slice(6, 14)}`;

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await snap(page, testInfo, 'sign-in');

  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/sign-up$/);
  await snap(page, testInfo, 'sign-up');
  await fillSignUp(page, user);

  await expect(page.getByRole('heading', { name: 'Create your first team' })).toBeVisible();
  await snap(page, testInfo, 'home-no-team');
  await page.getByRole('button', { name: 'Create team' }).click();
  await snap(page, testInfo, 'create-team');
  await createTeam(page, teamName);
  await expect(page.getByText('Your role: Owner')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Members' }).getByRole('row', { name: new RegExp(user.email) })).toBeVisible();

  await teamSwitcher(page).click();
  await expect(page.getByRole('menuitem', { name: new RegExp(teamName) })).toBeVisible();
  await page.keyboard.press('Escape');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: teamName })).toBeVisible();
  await expect(teamSwitcher(page)).toContainText(teamName);
  await teamSwitcher(page).click();
  await expect(page.getByRole('menuitem', { name: new RegExp(teamName) })).toBeVisible();
  await page.keyboard.press('Escape');
  await snap(page, testInfo, 'team-owner');
  const teamPath = new URL(page.url()).pathname;

  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // Signed out for real: the team page sends us back to sign-in.
  await page.goto(teamPath);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
});
