import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import '../access/api-key-plugin.js';
import type { Context } from '../access/context.js';
import type { TeamRole } from '../access/roles.js';
import type PrismaTypes from '../db/generated/pothos-types.js';
import { getDatamodel } from '../db/generated/pothos-types.js';
import { errors } from './errors.js';

export interface TeamRoleScope {
  /** The team the field acts on; null when the target does not exist (answered NOT_FOUND). */
  teamId: string | null;
  role: TeamRole;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
  AuthScopes: {
    signedIn: boolean;
    teamRole: TeamRoleScope;
  };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, 'latchkeyApiKey'],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: async (ctx) => ({
      signedIn: async () => (await ctx.viewer()) !== null,
      teamRole: async ({ teamId, role }) => {
        const viewer = await ctx.requireViewer();
        if (!teamId) throw errors.notFound();
        await viewer.access.assertRole(teamId, role);
        return true;
      },
    }),
    unauthorizedError: () => errors.unauthenticated('Sign in to use this.'),
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
