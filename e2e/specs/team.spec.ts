import { expect, test, type Page } from '@playwright/test';
import { createTeam, fillSignIn, fillSignUp, newUser, snap, type NewUser } from './support.js';

async function invite(page: Page, email: string): Promise<string> {
  await page.getByRole('button', { name: 'Invite member' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite a member' });
  await dialog.getByRole('textbox', { name: 'Email' }).fill(email);
  await dialog.getByRole('button', { name: 'Create invitation' }).click();
  const created = page.getByRole('dialog', { name: 'Invitation created' });
  const link = await created.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();
  return link;
}

test('an owner makes a member admin and back; as a member they see roles without any management button', async ({ page, browser }, testInfo) => {
  const owner = newUser('owner');
  const member: NewUser = newUser('member');
  const teamName = `Roles ${owner.email.slice(6, 14)}`;

  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, teamName);
  const link = await invite(page, member.email);

  const { baseURL, viewport } = testInfo.project.use;
  const memberContext = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce' });
  const memberPage = await memberContext.newPage();
  await memberPage.goto(link);
  await memberPage.getByRole('link', { name: 'Create an account' }).click();
  await fillSignUp(memberPage, member);
  await expect(memberPage.getByText('Your role: Member')).toBeVisible();

  // The owner promotes them.
  await page.reload();
  const members = page.getByRole('table', { name: 'Members' });
  const role = members.getByRole('combobox', { name: `Role of ${member.name}` });
  await expect(role).toHaveValue('MEMBER');
  await role.selectOption('ADMIN');
  await expect(page.getByText(`${member.name}’s role is now Admin.`)).toBeVisible();
  await expect(role).toHaveValue('ADMIN');

  await memberPage.reload();
  await expect(memberPage.getByText('Your role: Admin')).toBeVisible();
  await expect(memberPage.getByRole('button', { name: 'Invite member' })).toBeVisible();
  // An admin changes members and admins, never the owner.
  await expect(memberPage.getByRole('combobox', { name: `Role of ${owner.name}` })).toHaveCount(0);
  await expect(memberPage.getByRole('button', { name: `Remove ${owner.name}` })).toHaveCount(0);

  // And back to member: roles read-only, no management button at all.
  await role.selectOption('MEMBER');
  await expect(page.getByText(`${member.name}’s role is now Member.`)).toBeVisible();
  await expect(role).toHaveValue('MEMBER');
  await snap(page, testInfo, 'team');

  await memberPage.reload();
  await expect(memberPage.getByText('Your role: Member')).toBeVisible();
  const memberView = memberPage.getByRole('table', { name: 'Members' });
  await expect(memberView.getByRole('row', { name: new RegExp(owner.email) })).toContainText('Owner');
  await expect(memberView.getByRole('row', { name: new RegExp(member.email) })).toContainText('Member');
  await expect(memberPage.getByRole('combobox')).toHaveCount(0);
  await expect(memberPage.getByRole('button', { name: /^Remove / })).toHaveCount(0);
  await expect(memberPage.getByRole('button', { name: 'Invite member' })).toHaveCount(0);
  await expect(memberPage.getByRole('button', { name: /Cancel the invitation/ })).toHaveCount(0);
  await snap(memberPage, testInfo, 'team-member-roles');

  // The owner removes them, after confirming; they lose the team.
  await page.getByRole('button', { name: `Remove ${member.name}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove member' });
  await expect(confirm).toContainText(member.email);
  await confirm.getByRole('button', { name: 'Remove member' }).click();
  await expect(confirm).toBeHidden();
  await expect(members.getByRole('row', { name: new RegExp(member.email) })).toHaveCount(0);
  await memberPage.reload();
  await expect(memberPage.getByRole('heading', { name: 'Team not found' })).toBeVisible();
  // The way out leads to the console's start, which no longer offers the team: it was their only one.
  await memberPage.getByRole('link', { name: 'Go to your teams' }).click();
  await expect(memberPage.getByRole('heading', { name: 'Create your first team' })).toBeVisible();
  await memberContext.close();
});

test('an owner cancels an invitation, and an expired session signs in again and comes back', async ({ page, context }, testInfo) => {
  const owner = newUser('owner');
  await page.goto('/sign-up');
  await fillSignUp(page, owner);
  await page.getByRole('button', { name: 'Create team' }).click();
  await createTeam(page, `Invites ${owner.email.slice(6, 14)}`);
  const teamPath = new URL(page.url()).pathname;

  const invited = newUser('invited');
  await invite(page, invited.email);
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await expect(pending.getByRole('row', { name: new RegExp(invited.email) })).toBeVisible();
  await page.getByRole('button', { name: `Cancel the invitation for ${invited.email}` }).click();
  await expect(page.getByText('No pending invitations.')).toBeVisible();
  await page.reload();
  await expect(page.getByText('No pending invitations.')).toBeVisible();

  // The session ends behind the console's back; the next change leads to sign-in, then back here.
  const second = newUser('second');
  await invite(page, second.email);
  await context.clearCookies();
  await page.getByRole('button', { name: `Cancel the invitation for ${second.email}` }).click();
  await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(teamPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await fillSignIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(new RegExp(`${teamPath}$`));
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(second.email) })).toBeVisible();
});
