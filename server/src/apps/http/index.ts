import { defineAction, defineApp, defineTrigger, type JsonSchema, JSON_SCHEMA_2020 } from '../../catalog/define.js';
import type { InputIssue } from '../../schema/errors.js';
import { isPrivateAddress } from './addresses.js';
import { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, sendRequest, type HttpRequestInput, type HttpResponseOutput } from './client.js';


const inputSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  additionalProperties: false,
  required: ['method', 'url'],
  properties: {
    method: { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
    url: { type: 'string', description: 'An http:// or https:// URL on a public host.', minLength: 1, maxLength: 8192 },
    headers: {
      type: 'object',
      maxProperties: 100,
      propertyNames: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
      additionalProperties: { type: 'string', maxLength: 8192, pattern: '^[^\\r\\n\\u0000]*$' },
    },
    body: { description: 'A string is sent as it is (text/plain unless a content-type header says otherwise); anything else as JSON.' },
    timeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMEOUT_MS, default: DEFAULT_TIMEOUT_MS },
  },
};

const outputSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  required: ['status', 'headers', 'body'],
  properties: {
    status: { type: 'integer' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    body: { description: 'Parsed JSON when the response is JSON, else its text; null when empty.' },
  },
};

function checkRequest(input: HttpRequestInput): InputIssue[] {
  const issues: InputIssue[] = [];
  let url: URL | null = null;
  try {
    url = new URL(input.url);
  } catch {
    issues.push({ path: ['input', 'url'], message: 'must be an absolute URL' });
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') issues.push({ path: ['input', 'url'], message: 'must be an http:// or https:// URL' });
  if (url && (url.username || url.password)) issues.push({ path: ['input', 'url'], message: 'send credentials in a header, not in the URL' });
  if ((input.method === 'GET' || input.method === 'HEAD') && input.body !== undefined && input.body !== null) issues.push({ path: ['input', 'body'], message: `a ${input.method} request has no body` });
  return issues;
}

export const httpApp = defineApp({
  key: 'http',
  name: 'HTTP',
  description: 'Call any public HTTP endpoint, and receive signed webhooks from anywhere.',
  needsConnection: false,
  components: [
    defineAction<HttpRequestInput, HttpResponseOutput>({
      name: 'request',
      description: 'Send an HTTP request to a public host and return its status, headers and body (at most 5 MiB; redirects followed, at most 5).',
      scope: 'WRITE',
      inputSchema,
      outputSchema,
      // The request enforces its own timeoutMs (at most 30 s); this only bounds the handler.
      timeoutMs: MAX_TIMEOUT_MS + 5_000,
      validate: checkRequest,
      run: ({ input, config, signal }) => sendRequest(input, { allowAddress: (address) => config.httpActionAllowPrivate || !isPrivateAddress(address), signal }),
    }),
    defineTrigger({
      name: 'webhook',
      description: 'Fires with each JSON body POSTed to the trigger\'s inboundUrl, signed per Standard Webhooks with its signingSecret (both shown once, by registerTrigger).',
      scope: 'READ',
      inputSchema: { $schema: JSON_SCHEMA_2020, type: 'object', additionalProperties: false, properties: {} },
      outputSchema: { $schema: JSON_SCHEMA_2020, description: 'The JSON body that was posted, as it was sent.' },
    }),
  ],
});
