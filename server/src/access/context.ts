import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { Notifier } from '../db/notifier.js';
import type { EventAppender } from '../events/appender.js';
import type { EventFanout } from '../events/fanout.js';
import type { KeyUsage } from '../keys/usage.js';
import type { KeyRecord, KeyVerifier, Verification } from '../keys/verifier.js';
import type { Logger } from '../log.js';
import { errors } from '../schema/errors.js';
import type { Auth } from './auth.js';
import { TeamAccess } from './roles.js';

export interface Viewer {
  userId: string;
  email: string;
  name: string;
  access: TeamAccess;
}

export interface Services {
  config: Config;
  prisma: PrismaClient;
  auth: Auth;
  log: Logger;
  notifier: Notifier;
  keys: KeyVerifier;
  keyUsage: KeyUsage;
  events: EventFanout;
  /** Group-committed appends for events that are not part of another write (inbound webhooks). */
  appender: EventAppender;
}

/**
 * Sends a subscription's next results, already JSON (UTF-8), straight to its WebSocket (set for graphql-ws
 * subscriptions; see events/shared-execution.ts). Results are gathered and leave in the socket's one
 * write at the end of this turn of the event loop (websocket-writes.ts).
 */
export interface SubscriptionSink {
  /** Takes the result for this turn's write unless the socket already holds more than its share of unsent bytes; false when it did not. */
  offer(resultJson: Buffer): boolean;
  /** Always takes the result; the promise (when the socket's buffer is full) resolves once there is room again. */
  send(resultJson: Buffer): Promise<void> | undefined;
}

/** What every resolver receives: the services, and who is calling (each resolved once, on first use). */
export interface Context extends Services {
  subscriptionSink?: SubscriptionSink;
  /** The caller's request headers (on WebSockets, those of the upgrade request). */
  headers: Headers;
  clientIp: string | null;
  viewer(): Promise<Viewer | null>;
  requireViewer(): Promise<Viewer>;
  /** The verified API key; UNAUTHENTICATED when none, or a bad one, was presented. */
  requireApiKey(): Promise<KeyRecord>;
  /**
   * Verifies the presented key again (not memoised): for long-lived subscriptions, after the key
   * changed or when it may have expired. UNAUTHENTICATED once it no longer works.
   */
  recheckApiKey(): Promise<KeyRecord>;
  /** True when the caller presented an API key (valid or not). */
  presentsApiKey(): boolean;
}

const KEY_REFUSALS: Record<Exclude<Verification, { ok: true }>['reason'] | 'missing', string> = {
  missing: 'An API key is required: send it as "Authorization: Bearer <key>".',
  malformed: 'The API key is malformed.',
  unknown: 'The API key is not valid.',
  revoked: 'The API key has been revoked.',
  expired: 'The API key has expired.',
};

/** `Authorization: Bearer <key>` over HTTP; `{ authorization: "Bearer <key>" }` as WebSocket connection params. */
function presentedKey(headers: Headers, connectionParams: Record<string, unknown> | undefined): string | null {
  const fromParams = connectionParams?.authorization ?? connectionParams?.Authorization;
  const value = typeof fromParams === 'string' ? fromParams : headers.get('authorization');
  if (!value) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match ? match[1]! : '';
}

export function createContext(services: Services, headers: Headers, clientIp: string | null, connectionParams?: Record<string, unknown>): Context {
  let viewer: Promise<Viewer | null> | undefined;
  let key: Promise<KeyRecord> | undefined;
  const presented = presentedKey(headers, connectionParams);

  const loadViewer = async (): Promise<Viewer | null> => {
    if (!headers.get('cookie')) return null;
    const session = await services.auth.api.getSession({ headers });
    if (!session) return null;
    const { user } = session;
    return { userId: user.id, email: user.email, name: user.name, access: new TeamAccess(services.prisma, user.id) };
  };
  const loadKey = async (): Promise<KeyRecord> => {
    if (presented === null) throw errors.unauthenticated(KEY_REFUSALS.missing);
    const result = await services.keys.verify(presented);
    if (!result.ok) throw errors.unauthenticated(KEY_REFUSALS[result.reason]);
    return result.key;
  };

  const context: Context = {
    ...services,
    headers,
    clientIp,
    viewer: () => (viewer ??= loadViewer()),
    async requireViewer() {
      const current = await context.viewer();
      if (!current) throw errors.unauthenticated('Sign in to use this.');
      return current;
    },
    requireApiKey: () => (key ??= loadKey()),
    recheckApiKey: loadKey,
    presentsApiKey: () => presented !== null,
  };
  return context;
}
