import type { Context } from '../access/context.js';
import { catalog } from '../catalog/registry.js';
import { connectionProblem } from '../connections/service.js';
import { errors, type InputIssue } from '../schema/errors.js';

export interface GrantInput {
  app: string;
  connectionId?: string | null;
  components: string[];
}

export interface ValidGrant {
  app: string;
  connectionId: string | null;
  components: string[];
}

/**
 * Checks a key's grants before anything is saved: known apps, each once, components of that app,
 * and a usable connection for apps that act on an outside account. Input issues are reported all at
 * once (BAD_USER_INPUT); then the first connection that cannot serve its grant is CONNECTION_INVALID.
 */
export async function validateGrants(ctx: Context, teamId: string, grants: GrantInput[], root: (string | number)[]): Promise<ValidGrant[]> {
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  grants.forEach((grant, i) => {
    const path = [...root, i];
    const app = catalog.app(grant.app);
    if (!app) return issues.push({ path: [...path, 'app'], message: `unknown app "${grant.app}"` });
    if (seen.has(app.key)) issues.push({ path: [...path, 'app'], message: `"${app.key}" is granted twice` });
    seen.add(app.key);
    if (grant.components.length === 0) issues.push({ path: [...path, 'components'], message: 'grant at least one component' });
    grant.components.forEach((key, j) => {
      const component = catalog.component(key);
      if (!component || component.app.key !== app.key) issues.push({ path: [...path, 'components', j], message: `"${key}" is not a component of ${app.key}` });
    });
    if (app.needsConnection && !grant.connectionId) {
      issues.push({ path: [...path, 'connectionId'], message: `${app.name} acts on a connected account: choose one of the team's ${app.name} connections` });
    } else if (!app.needsConnection && grant.connectionId) {
      issues.push({ path: [...path, 'connectionId'], message: `${app.name} uses no connected account` });
    }
  });
  if (issues.length > 0) throw errors.badUserInput(issues);

  const connectionIds = grants.map((grant) => grant.connectionId).filter((id): id is string => !!id);
  // Scoped to the team: another team's connection is indistinguishable from a missing one.
  const connections = connectionIds.length > 0 ? await ctx.prisma.connection.findMany({ where: { id: { in: connectionIds }, teamId } }) : [];
  for (const [i, grant] of grants.entries()) {
    const app = catalog.app(grant.app)!;
    if (!app.needsConnection) continue;
    const connection = connections.find((candidate) => candidate.id === grant.connectionId) ?? null;
    const problem = connectionProblem(connection, app, grant.components.map((key) => catalog.component(key)!));
    if (problem) {
      throw errors.connectionInvalid(problem.message, {
        path: [...root, i, 'connectionId'],
        connectionId: grant.connectionId,
        reason: problem.reason,
        ...(problem.status ? { status: problem.status } : {}),
        ...(problem.missingPermissions ? { missingPermissions: problem.missingPermissions } : {}),
      });
    }
  }
  return grants.map((grant) => ({ app: grant.app, connectionId: grant.connectionId ?? null, components: [...new Set(grant.components)] }));
}
