import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
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
}

/** What every resolver receives: the services, and who is calling (resolved once, on first use). */
export interface Context extends Services {
  /** The caller's request headers (on WebSockets, those of the upgrade request). */
  headers: Headers;
  clientIp: string | null;
  viewer(): Promise<Viewer | null>;
  requireViewer(): Promise<Viewer>;
}

export function createContext(services: Services, headers: Headers, clientIp: string | null): Context {
  let viewer: Promise<Viewer | null> | undefined;
  const loadViewer = async (): Promise<Viewer | null> => {
    if (!headers.get('cookie')) return null;
    const session = await services.auth.api.getSession({ headers });
    if (!session) return null;
    const { user } = session;
    return { userId: user.id, email: user.email, name: user.name, access: new TeamAccess(services.prisma, user.id) };
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
  };
  return context;
}
