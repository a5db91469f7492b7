/**
 * Starts the fake Linear and fake Notion on fixed ports, so the console can be tried without real
 * accounts: `pnpm fakes`, then start `pnpm dev` with the printed environment (which also makes the
 * demo team a "Demo Linear" connection and key) and create more connections with the printed credentials.
 */
import { startFakeLinear } from './linear.js';
import { startFakeNotion } from './notion.js';

const linear = await startFakeLinear({ port: Number(process.env.FAKE_LINEAR_PORT ?? 4510) });
const notion = await startFakeNotion({ port: Number(process.env.FAKE_NOTION_PORT ?? 4511) });

console.log(`Fake Linear and Notion are running. Start Latchkey with:

  LINEAR_API_URL=${linear.url} NOTION_API_URL=${notion.url} DEMO_LINEAR_API_KEY=${linear.adminKey} DEMO_LINEAR_TEAM_ID=${linear.team.id} pnpm dev

Linear personal API key (an admin): ${linear.adminKey}
Linear personal API key (a member): ${linear.memberKey}
Linear OAuth token with only "read":  ${linear.readOnlyToken}
Linear team id for linear.createIssue:  ${linear.team.id}
Notion integration token:          ${notion.token}
Notion database id:                ${notion.databaseId}
Notion page id:                    ${notion.pageId}

Ctrl-C stops them.`);

const stop = async () => {
  await Promise.all([linear.close(), notion.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
