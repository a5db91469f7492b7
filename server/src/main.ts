import { createLatchkey } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { EmbeddedPostgresInUseError } from './db/embedded.js';
import { MigrationError } from './db/migrator.js';
import { DEMO_LOGIN, demoCurl, rotateDemoKey, seedDemo, seedDemoLinear } from './demo.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const latchkey = await createLatchkey(config);
  const { log } = latchkey.services;
  const url = await latchkey.listen().catch(async (error: unknown) => {
    await latchkey.close();
    throw error;
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    await latchkey.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const lines = [`Latchkey API listening on ${url} (GraphQL: ${url}/graphql)`];
  if (!config.production) {
    await seedDemo(latchkey.services);
    lines.push(`Console:     ${config.consoleUrl}`, `Demo login:  ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);
    const key = await rotateDemoKey(latchkey.services);
    const apiUrl = `http://localhost:${config.port}`;
    if (key) {
      lines.push(`Demo key:    ${key}   (records app; a new one on every start)`, '', 'Try it:', '', demoCurl(apiUrl, key));
    }
    const linearKey = process.env.DEMO_LINEAR_API_KEY;
    const linearTeam = process.env.DEMO_LINEAR_TEAM_ID;
    if (linearKey && linearTeam) {
      const secret = await seedDemoLinear(latchkey.services, linearKey).catch((error: unknown) => {
        log.warn(`demo Linear connection not created: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
      if (secret) {
        const input = `{teamId: "${linearTeam}", title: "Hello from Latchkey"}`;
        lines.push('', `Demo Linear key: ${secret}   (linear.createIssue through the "Demo Linear" connection)`, '', demoCurl(apiUrl, secret, 'linear.createIssue', input));
      }
    }
  }
  process.stdout.write(`\n${lines.map((line) => `  ${line}`).join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof EmbeddedPostgresInUseError || error instanceof MigrationError;
  process.stderr.write(`\nLatchkey did not start: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
