import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestServer } from './harness.js';

let server: TestServer;
let run: (component: string, input: unknown, idempotencyKey?: string) => Promise<any>;
let runB: typeof run;

const ajv = new Ajv2020({ strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
function expectMatchesOutputSchema(component: string, output: unknown) {
  const validate = ajv.compile(catalog.component(component)!.outputSchema);
  expect(validate(output), JSON.stringify(validate.errors)).toBe(true);
}

beforeAll(async () => {
  server = await startTestServer();
  const [admin, other] = [await server.signUp(), await server.signUp()];
  const key = await createKey(server, admin, await createTeam(server, admin));
  const keyB = await createKey(server, other, await createTeam(server, other));
  const call = (secret: string) => async (component: string, input: unknown, idempotencyKey?: string) => {
    const result = await withKey(server, secret)(RUN_ACTION, { component, input, idempotencyKey });
    return result.data?.runAction ? result.data.runAction : result;
  };
  run = call(key.secret);
  runB = call(keyB.secret);
});
afterAll(() => server.close());

describe('records through runAction', () => {
  it('creates, gets, updates and deletes a record, each output matching its schema', async () => {
    const created = await run('records.create', { collection: 'tickets', data: { title: 'First', tags: ['a'] } });
    expect(created).toMatchObject({ component: 'records.create', status: 'SUCCEEDED', error: null, replayed: false });
    expect(created.output).toMatchObject({ collection: 'tickets', data: { title: 'First', tags: ['a'] } });
    expectMatchesOutputSchema('records.create', created.output);
    const id = created.output.id;

    const got = await run('records.get', { collection: 'tickets', id });
    expect(got.output).toEqual(created.output);
    expectMatchesOutputSchema('records.get', got.output);

    const updated = await run('records.update', { collection: 'tickets', id, data: { title: 'Second' } });
    expect(updated.output.data).toEqual({ title: 'Second' });
    expect(new Date(updated.output.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.output.updatedAt).getTime());
    expectMatchesOutputSchema('records.update', updated.output);

    const deleted = await run('records.delete', { collection: 'tickets', id });
    expect(deleted.output).toEqual({ id, deleted: true });
    expectMatchesOutputSchema('records.delete', deleted.output);
    const gone = await run('records.get', { collection: 'tickets', id });
    expect(gone).toMatchObject({ status: 'FAILED', output: null, error: { code: 'NOT_FOUND' } });
  });

  it('fails the run with NOT_FOUND for unknown ids, and for an id in another collection', async () => {
    const created = await run('records.create', { collection: 'a', data: {} });
    expect((await run('records.get', { collection: 'b', id: created.output.id })).error.code).toBe('NOT_FOUND');
    expect((await run('records.update', { collection: 'a', id: 'nope', data: {} })).error.code).toBe('NOT_FOUND');
    expect((await run('records.delete', { collection: 'a', id: 'nope' })).error.code).toBe('NOT_FOUND');
  });

  it('pages through a collection in creation order with no gaps or repeats', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await run('records.create', { collection: 'paged', data: { i } })).output.id);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await run('records.list', { collection: 'paged', first: 3, ...(after ? { after } : {}) });
      expectMatchesOutputSchema('records.list', page.output);
      seen.push(...page.output.records.map((record: { id: string }) => record.id));
      pages += 1;
      if (!page.output.hasMore) break;
      after = page.output.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const defaults = await run('records.list', { collection: 'paged' });
    expect(defaults.output.records).toHaveLength(7);
    const empty = await run('records.list', { collection: 'nothing-here' });
    expect(empty.output).toEqual({ records: [], endCursor: null, hasMore: false });
  });

  it('refuses input that breaks the schema with BAD_USER_INPUT and every issue path, recording no run', async () => {
    const before = await server.latchkey.services.prisma.actionRun.count();
    const result = await run('records.create', { collection: 'bad name!', data: 'not an object', extra: 1 });
    expect(result.status).toBe(400);
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const paths = result.errors[0].extensions.issues.map((issue: { path: string[] }) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['input.collection', 'input.data', 'input.extra']));
    const missing = await run('records.get', { collection: 'x' });
    expect(missing.errors[0].extensions.issues).toEqual([{ path: ['input', 'id'], message: expect.any(String) }]);
    const tooMany = await run('records.list', { collection: 'x', first: 101 });
    expect(tooMany.errors[0].extensions.issues[0].path).toEqual(['input', 'first']);
    const badCursor = await run('records.list', { collection: 'x', after: 'garbage' });
    expect(badCursor.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'after'] }] });
    const tooBig = await run('records.create', { collection: 'x', data: { blob: 'x'.repeat(256 * 1024) } });
    expect(tooBig.errors[0].extensions.issues).toEqual([{ path: ['input', 'data'], message: 'must be at most 256 KiB of JSON' }]);
    expect(await server.latchkey.services.prisma.actionRun.count()).toBe(before);
  });

  it("keeps each team's records to itself", async () => {
    const mine = await run('records.create', { collection: 'private', data: { secret: 'A' } });
    const theirs = await runB('records.create', { collection: 'private', data: { secret: 'B' } });
    expect((await run('records.get', { collection: 'private', id: theirs.output.id })).error.code).toBe('NOT_FOUND');
    expect((await run('records.update', { collection: 'private', id: theirs.output.id, data: { hacked: true } })).error.code).toBe('NOT_FOUND');
    expect((await run('records.delete', { collection: 'private', id: theirs.output.id })).error.code).toBe('NOT_FOUND');
    const listed = await run('records.list', { collection: 'private' });
    expect(listed.output.records.map((record: { id: string }) => record.id)).toEqual([mine.output.id]);
    expect((await runB('records.get', { collection: 'private', id: theirs.output.id })).output.data).toEqual({ secret: 'B' });
  });
});

describe('idempotency', () => {
  it('replays the first run for the same key and input, without running again', async () => {
    const first = await run('records.create', { collection: 'idem', data: { n: 1 } }, 'create-1');
    const second = await run('records.create', { data: { n: 1 }, collection: 'idem' }, 'create-1');
    expect(second).toMatchObject({ id: first.id, replayed: true, idempotencyKey: 'create-1', output: first.output });
    expect(first.replayed).toBe(false);
    const listed = await run('records.list', { collection: 'idem' });
    expect(listed.output.records).toHaveLength(1);
  });

  it('runs once when two retries arrive together', async () => {
    const [a, b] = await Promise.all([
      run('records.create', { collection: 'idem-race', data: {} }, 'race'),
      run('records.create', { collection: 'idem-race', data: {} }, 'race'),
    ]);
    expect(a.id).toBe(b.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect((await run('records.list', { collection: 'idem-race' })).output.records).toHaveLength(1);
  });

  it('refuses the same idempotency key with a different input', async () => {
    await run('records.create', { collection: 'idem', data: { n: 1 } }, 'create-2');
    const reused = await run('records.create', { collection: 'idem', data: { n: 2 } }, 'create-2');
    expect(reused.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it("does not share idempotency keys between API keys", async () => {
    const mine = await run('records.create', { collection: 'idem', data: {} }, 'shared-name');
    const theirs = await runB('records.create', { collection: 'idem', data: {} }, 'shared-name');
    expect(theirs.replayed).toBe(false);
    expect(theirs.id).not.toBe(mine.id);
  });
});
