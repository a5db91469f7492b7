import { ActionError, ConnectionCheckError } from '../../catalog/define.js';
import type { Config } from '../../config.js';

/** A personal API key, or an OAuth access token with the scopes the user granted. */
export type LinearCredentials = { apiKey: string } | { accessToken: string; scopes: string[] };

interface LinearGraphQLError {
  message?: string;
  extensions?: { code?: string; type?: string; userPresentableMessage?: string };
}

const DEFAULT_RETRY_AFTER_SECONDS = 60;

function secretOf(credentials: LinearCredentials): string {
  return 'apiKey' in credentials ? credentials.apiKey : credentials.accessToken;
}

/** Linear takes a personal key as it is, and an OAuth token as a Bearer token. */
export function authorizationHeader(credentials: LinearCredentials): string {
  return 'apiKey' in credentials ? credentials.apiKey : `Bearer ${credentials.accessToken}`;
}

/** Seconds until Linear lets us in again: its reset headers are epoch milliseconds. */
function retryAfterSeconds(headers: Headers): number {
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const resets = ['x-ratelimit-requests-reset', 'x-ratelimit-complexity-reset']
    .map((name) => Number(headers.get(name)))
    .filter((value) => Number.isFinite(value) && value > 0);
  if (resets.length === 0) return DEFAULT_RETRY_AFTER_SECONDS;
  return Math.max(1, Math.ceil((Math.max(...resets) - Date.now()) / 1000));
}

/** Linear's own words, without anything that could be the credential. */
function providerMessage(error: LinearGraphQLError | undefined, secret: string): string {
  const text = error?.extensions?.userPresentableMessage || error?.message || 'Linear refused the request.';
  return `Linear: ${text.split(secret).join('[redacted]')}`;
}

/**
 * Sends one document to Linear. Every failure is an ActionError with the run's code: refused
 * credentials are CONNECTION_INVALID (the connection is REVOKED), a rate limit and any other
 * answer are PROVIDER_ERROR, an aborted signal is TIMEOUT.
 */
export async function linearRequest<Data>(
  config: Config,
  credentials: LinearCredentials,
  document: string,
  variables: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Data> {
  const secret = secretOf(credentials);
  let response: Response;
  let body: { data?: Data | null; errors?: LinearGraphQLError[] } | undefined;
  try {
    response = await fetch(config.linearApiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: authorizationHeader(credentials) },
      body: JSON.stringify({ query: document, variables }),
      signal,
    });
    body = (await response.json().catch(() => undefined)) as typeof body;
  } catch (error) {
    if (signal.aborted) throw new ActionError('TIMEOUT', 'The request to Linear did not finish in time.');
    throw new ActionError('PROVIDER_ERROR', `Linear could not be reached (${(error as Error).message}).`);
  }

  const errors = body?.errors ?? [];
  const codes = errors.map((error) => error.extensions?.code);
  if (response.status === 401 || response.status === 403 || codes.includes('AUTHENTICATION_ERROR')) {
    throw new ActionError('CONNECTION_INVALID', 'Linear refused the connection\'s credentials (revoked or invalid); reconnect the account.', { connectionStatus: 'REVOKED' });
  }
  if (response.status === 429 || codes.includes('RATELIMITED')) {
    const seconds = retryAfterSeconds(response.headers);
    throw new ActionError('PROVIDER_ERROR', `Linear's rate limit was reached; retry in ${seconds} seconds.`, { retryAfterSeconds: seconds });
  }
  if (errors.length > 0) throw new ActionError('PROVIDER_ERROR', providerMessage(errors[0], secret));
  if (!response.ok || !body?.data) throw new ActionError('PROVIDER_ERROR', `Linear answered HTTP ${response.status} without data.`);
  return body.data;
}

/** For connection checks: the same failures, as ConnectionCheckError. */
export function asCheckError(error: unknown): unknown {
  if (!(error instanceof ActionError)) return error;
  return new ConnectionCheckError(error.message, error.code === 'CONNECTION_INVALID' ? 'REVOKED' : 'ERROR');
}
