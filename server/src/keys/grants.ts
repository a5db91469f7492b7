import type { Context } from '../access/context.js';
import { catalog } from '../catalog/registry.js';
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
 * and a usable connection for apps that act on an outside account. All issues are reported at once.
 */
export async function validateGrants(_ctx: Context, _teamId: string, grants: GrantInput[], root: (string | number)[]): Promise<ValidGrant[]> {
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
    if (app.needsConnection) {
      issues.push({ path: [...path, 'connectionId'], message: `${app.name} acts on a connected account, and connected accounts cannot be granted yet` });
    } else if (grant.connectionId) {
      issues.push({ path: [...path, 'connectionId'], message: `${app.name} uses no connected account` });
    }
  });
  if (issues.length > 0) throw errors.badUserInput(issues);
  return grants.map((grant) => ({ app: grant.app, connectionId: grant.connectionId ?? null, components: [...new Set(grant.components)] }));
}
