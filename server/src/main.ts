import { createLatchkey } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { EmbeddedPostgresInUseError } from './db/embedded.js';
import { MigrationError } from './db/migrator.js';
import { DEMO_LOGIN, demoCurl, rotateDemoKey, seedDemo } from './demo.js';

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
    if (key) {
      const apiUrl = `http://localhost:${config.port}`;
      lines.push(`Demo key:    ${key}   (records app; a new one on every start)`, '', 'Try it:', '', demoCurl(apiUrl, key));
    }
  }
  process.stdout.write(`\n${lines.map((line) => `  ${line}`).join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof EmbeddedPostgresInUseError || error instanceof MigrationError;
  process.stderr.write(`\nLatchkey did not start: ${known ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
