import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLSchema } from 'graphql';
import type { Context } from './context.js';
import type { TeamRole } from './roles.js';

type TeamOf<Args> = (args: Args, ctx: Context) => Promise<string | null> | string | null;

/**
 * `@session(role)`: the one way a management field asks for a signed-in user, and for a role in the
 * team it acts on. It sets the enforcement and the directive printed in the schema together, so the
 * SDL cannot say one thing while the server does another. `teamOf` names the team from the
 * arguments (null when the target does not exist, which answers NOT_FOUND).
 */
export function session(): { authScopes: { signedIn: true }; extensions: { directives: { session: Record<string, never> } } };
export function session<Args>(
  role: TeamRole,
  teamOf: TeamOf<Args>,
): { authScopes: (parent: unknown, args: Args, ctx: Context) => Promise<{ teamRole: { teamId: string | null; role: TeamRole } }>; extensions: { directives: { session: { role: TeamRole } } } };
export function session<Args>(role?: TeamRole, teamOf?: TeamOf<Args>) {
  if (!role || !teamOf) return { authScopes: { signedIn: true }, extensions: { directives: { session: {} } } };
  return {
    authScopes: async (_parent: unknown, args: Args, ctx: Context) => ({ teamRole: { teamId: await teamOf(args, ctx), role } }),
    extensions: { directives: { session: { role } } },
  };
}

/** Declares the directives used on fields, so the printed schema carries their definitions. */
export function withDirectiveDefinitions(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const teamRole = schema.getType('TeamRole');
  if (!(teamRole instanceof GraphQLEnumType)) throw new Error('TeamRole enum missing from the schema');
  const sessionDirective = new GraphQLDirective({
    name: 'session',
    description: 'Management field: the caller must be signed in, and hold at least this role in the team the field acts on.',
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { role: { type: teamRole } },
  });
  const scope = schema.getType('ApiKeyScope');
  const apiKeyDirective =
    scope instanceof GraphQLEnumType
      ? [
          new GraphQLDirective({
            name: 'apiKey',
            description:
              'Runtime field: the caller must present an API key with this scope. Without a scope argument, the scope is the one declared by the component the field names.',
            locations: [DirectiveLocation.FIELD_DEFINITION],
            args: { scope: { type: scope } },
          }),
        ]
      : [];
  return new GraphQLSchema({ ...config, directives: [...config.directives, sessionDirective, ...apiKeyDirective] });
}
