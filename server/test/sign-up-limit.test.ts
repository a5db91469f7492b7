import { expect, it } from 'vitest';
import { startTestServer } from './harness.js';

// In a file of its own: better-auth keeps its in-memory rate-limit counters per process, and other
// files' servers sign up from the same address.
it('limits the accounts created from one address per minute (SIGN_UPS_PER_MINUTE)', async () => {
  const server = await startTestServer({ signUpsPerMinute: 3 });
  try {
    const outcomes: string[] = [];
    for (let n = 0; n < 4; n++) outcomes.push(await server.signUp().then(() => 'created', (error: Error) => error.message.slice(0, 19)));
    expect(outcomes).toEqual(['created', 'created', 'created', 'sign-up failed: 429']);
  } finally {
    await server.close();
  }
});
