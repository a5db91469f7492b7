// What the bench takes from the server. run.ts bundles this file the way scripts/build.mjs bundles
// src/main.ts, so the code measured is the code deployed (tsx's transform adds per-closure work).
export { createLatchkey } from '../src/app.js';
export { catalog } from '../src/catalog/registry.js';
export { loadConfig } from '../src/config.js';
export { startEmbeddedPostgres } from '../src/db/embedded.js';
