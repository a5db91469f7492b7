import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../src/apps/http/addresses.js';
import { sendRequest } from '../src/apps/http/client.js';
import { startHttpTarget, type HttpTarget } from './fakes/http-target.js';
import { createKey, createTeam, RUN_ACTION, startTestServer, withKey, type TestServer } from './harness.js';

/** The default server refuses private targets; `open` has HTTP_ACTION_ALLOW_PRIVATE set, to reach the local target. */
let guarded: TestServer;
let open: TestServer;
let target: HttpTarget;
let guardedRun: (input: unknown) => Promise<any>;
let openRun: (input: unknown) => Promise<any>;

async function runner(server: TestServer) {
  const admin = await server.signUp();
  const key = await createKey(server, admin, await createTeam(server, admin), { apps: [{ app: 'http', components: ['http.request'] }] });
  return async (input: unknown) => {
    const result = await withKey(server, key.secret)(RUN_ACTION, { component: 'http.request', input });
    return result.data?.runAction ?? result;
  };
}

beforeAll(async () => {
  target = await startHttpTarget();
  guarded = await startTestServer();
  open = await startTestServer({ httpActionAllowPrivate: true });
  guardedRun = await runner(guarded);
  openRun = await runner(open);
});
afterAll(async () => {
  await Promise.all([guarded.close(), open.close()]);
  await target.close();
});

describe('http.request', () => {
  it('returns status, headers and a parsed JSON body', async () => {
    const run = await openRun({ method: 'GET', url: `${target.url}/json` });
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, output: { status: 200, body: { hello: 'world', n: 1 } } });
    expect(run.output.headers['content-type']).toMatch(/application\/json/);
  });

  it('returns a text body as text, and sends headers and a JSON body', async () => {
    const text = await openRun({ method: 'GET', url: `${target.url}/text` });
    expect(text.output).toMatchObject({ status: 200, body: 'plain words', headers: { 'x-target': 'yes' } });
    const echo = await openRun({ method: 'POST', url: `${target.url}/echo?x=1`, headers: { 'X-Trace': 'abc' }, body: { a: [1, 2] } });
    expect(echo.output.body).toMatchObject({ method: 'POST', path: '/echo?x=1', headers: { 'x-trace': 'abc', 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
    const missing = await openRun({ method: 'GET', url: `${target.url}/nowhere` });
    expect(missing).toMatchObject({ status: 'SUCCEEDED', output: { status: 404, body: { error: 'not found' } } });
  });

  it('follows up to 5 redirects, and fails beyond', async () => {
    const five = await openRun({ method: 'GET', url: `${target.url}/hops/5` });
    expect(five.output).toMatchObject({ status: 200, body: { method: 'GET', path: '/echo' } });
    const six = await openRun({ method: 'GET', url: `${target.url}/hops/6` });
    expect(six).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR', message: 'More than 5 redirects.' } });
  });

  it('turns a POST into a GET on 303, keeps it on 307, and drops credentials when the origin changes', async () => {
    const see = await openRun({ method: 'POST', url: `${target.url}/redirect?status=303&to=/echo`, body: { a: 1 } });
    expect(see.output.body).toMatchObject({ method: 'GET', body: '' });
    const temporary = await openRun({ method: 'POST', url: `${target.url}/redirect?status=307&to=/echo`, body: { a: 1 } });
    expect(temporary.output.body).toMatchObject({ method: 'POST', body: '{"a":1}' });
    const elsewhere = `http://localhost:${target.port}/echo`;
    const moved = await openRun({ method: 'GET', url: `${target.url}/redirect?to=${encodeURIComponent(elsewhere)}`, headers: { Authorization: 'Bearer s3cret', 'X-Keep': 'yes' } });
    expect(moved.output.body.headers).toMatchObject({ 'x-keep': 'yes' });
    expect(moved.output.body.headers.authorization).toBeUndefined();
  });

  it('refuses input that does not match the schema', async () => {
    const invalid = await openRun({ method: 'FETCH', url: 'ftp://example.com/file', timeoutMs: 60_000, headers: { 'bad header': 'x' } });
    expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const paths = (invalid.errors[0].extensions.issues as { path: unknown[] }[]).map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['input.method', 'input.timeoutMs']));
    const scheme = await openRun({ method: 'GET', url: 'ftp://example.com/file' });
    expect(scheme.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'url'], message: 'must be an http:// or https:// URL' }] });
    const getBody = await openRun({ method: 'GET', url: `${target.url}/echo`, body: 'x' });
    expect(getBody.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: ['input', 'body'] }] });
  });

  it("hands a target's rate limit back to the caller as its response, Retry-After included", async () => {
    const run = await openRun({ method: 'GET', url: `${target.url}/limited?retryAfter=12` });
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null, output: { status: 429, body: { error: 'rate_limited' } } });
    expect(run.output.headers['retry-after']).toBe('12');
  });

  it('fails with TIMEOUT after timeoutMs', async () => {
    const started = Date.now();
    const run = await openRun({ method: 'GET', url: `${target.url}/slow?ms=3000`, timeoutMs: 300 });
    expect(run).toMatchObject({ status: 'FAILED', error: { code: 'TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('fails a response over 5 MiB, declared or streamed', async () => {
    const declared = await openRun({ method: 'GET', url: `${target.url}/large?bytes=${5 * 1024 * 1024 + 1}` });
    expect(declared).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR', message: 'The response is larger than 5 MiB.' } });
    const streamed = await openRun({ method: 'GET', url: `${target.url}/large?bytes=${6 * 1024 * 1024}&declare=no` });
    expect(streamed).toMatchObject({ status: 'FAILED', error: { code: 'PROVIDER_ERROR', message: 'The response is larger than 5 MiB.' } });
    const fits = await openRun({ method: 'GET', url: `${target.url}/large?bytes=${5 * 1024 * 1024}` });
    expect(fits.status).toBe('SUCCEEDED');
  });

  it.each(['http://127.0.0.1', 'http://10.0.0.1', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]', 'http://[::ffff:127.0.0.1]', 'http://0.0.0.0', 'http://2130706433', 'http://localhost'])(
    'refuses %s unless private targets are allowed',
    async (base) => {
      const port = base.includes('localhost') || base.includes('127.0.0.1') || base.includes('2130706433') ? `:${target.port}` : '';
      const url = base.includes('meta-data') ? base : `${base}${port}/json`;
      const run = await guardedRun({ method: 'GET', url, timeoutMs: 2000 });
      expect(run).toMatchObject({ status: 'FAILED', output: null, error: { code: 'ADDRESS_NOT_ALLOWED' } });
    },
  );

  it('reaches localhost when private targets are allowed', async () => {
    const run = await openRun({ method: 'GET', url: `http://localhost:${target.port}/json` });
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: { status: 200 } });
  });
});

describe('redirects are checked again at every hop', () => {
  // A target on 127.0.0.2, the only address this policy allows: every other hop must be refused.
  let second: HttpTarget;
  beforeAll(async () => {
    second = await startHttpTarget('127.0.0.2');
  });
  afterAll(() => second.close());
  const call = (to: string) =>
    sendRequest({ method: 'GET', url: `${second.url}/redirect?to=${encodeURIComponent(to)}`, timeoutMs: 3000 }, { allowAddress: (address) => address === '127.0.0.2', signal: new AbortController().signal });

  it('follows a redirect to an allowed address', async () => {
    await expect(call(`${second.url}/json`)).resolves.toMatchObject({ status: 200, body: { hello: 'world' } });
  });

  it.each(['http://127.0.0.1/', 'http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://[fd00:ec2::254]/', 'http://0.0.0.0/', 'http://localhost/'])(
    'refuses a redirect to %s',
    async (to) => {
      const url = new URL(to);
      if (url.hostname === 'localhost' || url.hostname === '127.0.0.1') url.port = String(second.port);
      await expect(call(url.toString())).rejects.toMatchObject({ code: 'ADDRESS_NOT_ALLOWED' });
    },
  );

  it('uses the same policy on the server for every refused range', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.0.1', '169.254.169.254', '::1', 'fd00:ec2::254', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0']) expect(isPrivateAddress(address)).toBe(true);
  });
});
