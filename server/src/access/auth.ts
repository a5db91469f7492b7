import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { organization } from 'better-auth/plugins';
import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../log.js';

/** Set by http.ts from the socket address; any copy sent by a client is dropped first. */
export const CLIENT_IP_HEADER = 'x-latchkey-client-ip';

/**
 * better-auth owns sign-up, sign-in, sessions and teams (its organizations, stored as `team`).
 * Latchkey's roles are its organization roles: owner, admin, member.
 */
export function createAuth(config: Config, prisma: PrismaClient, log: Logger) {
  return betterAuth({
    appName: 'Latchkey',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret: config.authSecret,
    trustedOrigins: config.trustedOrigins,
    telemetry: { enabled: false },
    database: prismaAdapter(prisma, { provider: 'postgresql' }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: 'memory',
      window: 60,
      max: 300,
      // Failed sign-ins have their own, stricter throttle (sign-in-throttle.ts).
      customRules: { '/sign-in/email': false, '/sign-up/email': { window: 60, max: config.signUpsPerMinute } },
    },
    advanced: {
      useSecureCookies: config.production,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure: config.production },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    logger: {
      log: (level, message) => {
        if (level === 'error') log.error({ source: 'auth' }, message);
        else if (level === 'warn') log.warn({ source: 'auth' }, message);
      },
    },
    plugins: [
      organization({
        creatorRole: 'owner',
        schema: {
          organization: { modelName: 'team' },
          member: { fields: { organizationId: 'teamId' } },
          invitation: { fields: { organizationId: 'teamId' } },
          session: { fields: { activeOrganizationId: 'activeTeamId' } },
        },
        async sendInvitationEmail({ id, email, role, organization: team }) {
          // Latchkey sends no mail: the link is handed over by hand (and printed in development).
          const link = `${config.consoleUrl}/invitations/${id}`;
          if (!config.production) log.info({ team: team.name, email, role }, `invitation link: ${link}`);
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
