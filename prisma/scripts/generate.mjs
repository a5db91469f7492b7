// Runs `prisma generate`. Generation never executes Prisma's native schema engine, but the CLI tries
// to download one first; machines without that download get a placeholder so generation still works.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);

function installedSchemaEngine() {
  try {
    const enginesDir = dirname(require.resolve('@prisma/engines/package.json', { paths: [dirname(require.resolve('prisma/package.json'))] }));
    return readdirSync(enginesDir).find((name) => name.startsWith('schema-engine')) ? enginesDir : null;
  } catch {
    return null;
  }
}

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !installedSchemaEngine()) {
  const placeholder = join(root, 'node_modules', '.cache', 'schema-engine-unavailable');
  if (!existsSync(placeholder)) {
    mkdirSync(dirname(placeholder), { recursive: true });
    writeFileSync(placeholder, '#!/bin/sh\necho "Prisma schema engine is not installed on this machine; Latchkey applies migrations itself." >&2\nexit 1\n');
    chmodSync(placeholder, 0o755);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}

const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
