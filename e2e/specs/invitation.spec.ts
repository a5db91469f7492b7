import { expect, test } from '@playwright/test';
import { createTeam, fillSignUp, newUser, snap, teamSwitcher } from './support.js';

test('an owner invites a member, who signs up through the link and joins without invite rights', async ({ page, browser }, testInfo) => {
  const owner = newUser('owner');
  const member = newUser('member');
  const teamName = `Ops ${owner.email.slice(6, 14)}`;

  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, teamName);

  await page.getByRole('button', { name: 'Invite member' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite a member' });
  await invite.getByRole('textbox', { name: 'Email' }).fill(member.email);
  await invite.getByRole('radio', { name: 'Member' }).check();
  await invite.getByRole('button', { name: 'Create invitation' }).click();
  const created = page.getByRole('dialog', { name: 'Invitation created' });
  const link = await created.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  expect(link).toMatch(/\/invitations\/[\w-]+$/);
  await snap(page, testInfo, 'invitation-created');
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await expect(pending.getByRole('row', { name: new RegExp(member.email) })).toContainText(link);
  await snap(page, testInfo, 'team-owner-invitations');

  const { baseURL, viewport } = testInfo.project.use;
  const memberContext = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
  const memberPage = await memberContext.newPage();
  await memberPage.goto(link);
  await expect(memberPage.getByRole('heading', { name: "You're invited to a team on Latchkey" })).toBeVisible();
  await snap(memberPage, testInfo, 'invitation-signed-out');
  await memberPage.getByRole('link', { name: 'Create an account' }).click();
  await fillSignUp(memberPage, member);

  await expect(memberPage.getByRole('heading', { level: 1, name: teamName })).toBeVisible();
  await expect(memberPage.getByText('Your role: Member')).toBeVisible();
  await expect(teamSwitcher(memberPage)).toContainText(teamName);
  await expect(memberPage.getByRole('table', { name: 'Members' }).getByRole('row', { name: new RegExp(owner.email) })).toBeVisible();
  await expect(memberPage.getByRole('button', { name: 'Invite member' })).toHaveCount(0);
  await expect(memberPage.getByRole('heading', { name: 'Pending invitations' })).toHaveCount(0);
  await snap(memberPage, testInfo, 'team-member');
  await memberContext.close();

  await page.reload();
  await expect(page.getByRole('table', { name: 'Members' }).getByRole('row', { name: new RegExp(member.email) })).toContainText('Member');
  await expect(page.getByText('No pending invitations.')).toBeVisible();
});
