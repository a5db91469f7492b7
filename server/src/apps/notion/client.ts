import { ActionError, ConnectionCheckError } from '../../catalog/define.js';
import type { Config } from '../../config.js';

export interface NotionCredentials {
  token: string;
}

/** The API version whose request and response shapes Latchkey speaks. */
export const NOTION_VERSION = '2022-06-28';
const DEFAULT_RETRY_AFTER_SECONDS = 60;
/** Time left for the retried request itself after waiting out a rate limit. */
const RETRY_MARGIN_MS = 2_000;

interface NotionErrorBody {
  object?: string;
  status?: number;
  code?: string;
  message?: string;
}

function retryAfterSeconds(headers: Headers): number {
  const value = Number(headers.get('retry-after'));
  return Number.isFinite(value) && value >= 0 ? Math.max(1, Math.ceil(value)) : DEFAULT_RETRY_AFTER_SECONDS;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ActionError('TIMEOUT', 'The request to Notion did not finish in time.'));
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new ActionError('TIMEOUT', 'The request to Notion did not finish in time.'));
      },
      { once: true },
    );
  });
}

/** Notion's error body, as the run's error. Notion's own message never contains the token. */
function toActionError(status: number, body: NotionErrorBody | undefined, token: string): ActionError {
  const said = (body?.message ?? `HTTP ${status}`).split(token).join('[redacted]');
  const code = body?.code;
  if (status === 401 || code === 'unauthorized') {
    return new ActionError('CONNECTION_INVALID', 'Notion refused the connection\'s token (revoked or invalid); reconnect the workspace.', { connectionStatus: 'REVOKED' });
  }
  if (status === 403 || code === 'restricted_resource') {
    return new ActionError('CONNECTION_INVALID', `Notion: ${said} (share the page or database with the integration).`, { connectionStatus: 'ERROR' });
  }
  if (status === 404 || code === 'object_not_found') return new ActionError('NOT_FOUND', `Notion: ${said}`);
  return new ActionError('PROVIDER_ERROR', `Notion: ${said}`);
}

/**
 * One call to Notion's REST API. A rate limit is waited out once when Notion's Retry-After fits
 * before `deadline`; every other failure is an ActionError with the run's code.
 */
export async function notionRequest<Result>(
  config: Config,
  credentials: NotionCredentials,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body: unknown,
  signal: AbortSignal,
  deadline: number,
): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    let response: Response;
    let parsed: unknown;
    try {
      response = await fetch(`${config.notionApiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${credentials.token}`,
          'notion-version': NOTION_VERSION,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      parsed = await response.json().catch(() => undefined);
    } catch (error) {
      if (signal.aborted) throw new ActionError('TIMEOUT', 'The request to Notion did not finish in time.');
      throw new ActionError('PROVIDER_ERROR', `Notion could not be reached (${(error as Error).message}).`);
    }
    if (response.ok) return parsed as Result;
    const errorBody = parsed as NotionErrorBody | undefined;
    if (response.status === 429 || errorBody?.code === 'rate_limited') {
      const seconds = retryAfterSeconds(response.headers);
      if (attempt === 1 && Date.now() + seconds * 1000 + RETRY_MARGIN_MS <= deadline) {
        await sleep(seconds * 1000, signal);
        continue;
      }
      throw new ActionError('PROVIDER_ERROR', `Notion's rate limit was reached; retry in ${seconds} seconds.`, { retryAfterSeconds: seconds });
    }
    throw toActionError(response.status, errorBody, credentials.token);
  }
}

/** For connection checks: the same failures, as ConnectionCheckError. */
export function asCheckError(error: unknown): unknown {
  if (!(error instanceof ActionError)) return error;
  return new ConnectionCheckError(error.message, error.details.connectionStatus === 'REVOKED' ? 'REVOKED' : 'ERROR');
}
