import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { ActionError } from '../../catalog/define.js';

export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const MAX_REDIRECTS = 5;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 30_000;

export interface HttpRequestInput {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export interface HttpResponseOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface HttpRequestOptions {
  /** Whether an address (after DNS resolution) may be connected to. */
  allowAddress(address: string): boolean;
  signal: AbortSignal;
}

class AddressRefused extends Error {
  constructor(readonly host: string) {
    super(`http.request may not reach ${host}: loopback, private, link-local and metadata addresses are refused.`);
  }
}

/**
 * A lookup that hands the socket only allowed addresses: the address checked is the address
 * connected to, so a DNS answer that changes between check and connect (rebinding) changes nothing.
 */
function guardedLookup(allowAddress: (address: string) => boolean) {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((entry) => allowAddress(entry.address));
      if (allowed.length === 0) return callback(new AddressRefused(hostname), []);
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]])));
}

function encodeBody(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  const hasType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (typeof body === 'string') {
    if (!hasType) headers['content-type'] = 'text/plain; charset=utf-8';
    return Buffer.from(body, 'utf8');
  }
  if (!hasType) headers['content-type'] = 'application/json';
  return Buffer.from(JSON.stringify(body), 'utf8');
}

async function readBody(response: IncomingMessage): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) throw new ActionError('PROVIDER_ERROR', 'The response is larger than 5 MiB.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      response.destroy();
      throw new ActionError('PROVIDER_ERROR', 'The response is larger than 5 MiB.');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  if (contentType && /^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, options: HttpRequestOptions, signal: AbortSignal): Promise<IncomingMessage> {
  // Literal addresses never go through a DNS lookup, so they are checked here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !options.allowAddress(host)) return Promise.reject(new AddressRefused(host));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method,
      headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
      lookup: guardedLookup(options.allowAddress),
      agent: false,
      signal,
    });
    request.once('response', resolve);
    request.once('error', reject);
    request.end(body);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** The http.request action: follows at most 5 redirects by hand, checking every hop's address, within one deadline. */
export async function sendRequest(input: HttpRequestInput, options: HttpRequestOptions): Promise<HttpResponseOutput> {
  const timeoutMs = Math.min(input.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([options.signal, deadline]);
  let url = new URL(input.url);
  let method = input.method.toUpperCase();
  let headers: Record<string, string> = { ...input.headers };
  let body = encodeBody(input.body, headers);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await send(url, method, headers, body, options, signal);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode ?? 0) || !location) {
        const raw = await readBody(response);
        return { status: response.statusCode ?? 0, headers: flatHeaders(response.headers), body: decodeBody(raw, response.headers['content-type']) };
      }
      response.resume();
      if (redirects === MAX_REDIRECTS) throw new ActionError('PROVIDER_ERROR', `More than ${MAX_REDIRECTS} redirects.`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new ActionError('PROVIDER_ERROR', `Redirected to an unsupported protocol (${next.protocol}).`);
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())));
      if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-(type|length)$/i.test(name)));
      }
      url = next;
    }
  } catch (error) {
    if (error instanceof ActionError) throw error;
    if (deadline.aborted || options.signal.aborted) throw new ActionError('TIMEOUT', `No complete response within ${timeoutMs} ms.`);
    if (error instanceof AddressRefused) throw new ActionError('ADDRESS_NOT_ALLOWED', error.message);
    const code = (error as NodeJS.ErrnoException).code;
    throw new ActionError('PROVIDER_ERROR', `The request failed${code ? ` (${code})` : ''}.`);
  }
}
