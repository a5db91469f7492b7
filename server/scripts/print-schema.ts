// Writes server/schema.graphql; a test fails while the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printLatchkeySchema } from '../src/schema/print.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
writeFileSync(target, printLatchkeySchema());
process.stdout.write(`wrote ${target}\n`);
