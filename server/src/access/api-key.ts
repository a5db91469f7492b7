import type { ApiKeyScope } from '../catalog/define.js';
import { catalog } from '../catalog/registry.js';
import type { KeyRecord } from '../keys/verifier.js';
import { errors } from '../schema/errors.js';
import type { Context } from './context.js';

/**
 * Which scope a runtime field needs: a fixed one, the one declared by the component it names, or
 * both (registerTrigger: WRITE, and the trigger granted with its own scope).
 */
export type ApiKeyRequirement = { scope: ApiKeyScope; component?: string } | { scope?: undefined; component: string };

export function isGranted(key: KeyRecord, componentKey: string): boolean {
  const component = catalog.component(componentKey);
  return !!component && !!key.grants.get(component.app.key)?.components.has(component.key);
}

/**
 * The one check behind every `@apiKey` field: a valid key (else 401 UNAUTHENTICATED), the component
 * granted (else FORBIDDEN / COMPONENT_NOT_GRANTED; ungranted components look exactly like unknown
 * ones), and the scope held (else FORBIDDEN / MISSING_SCOPE with `requiredScope`).
 */
export async function assertApiKey(ctx: Context, requirement: ApiKeyRequirement): Promise<KeyRecord> {
  const key = await ctx.requireApiKey();
  assertKeyHolds(key, requirement);
  return key;
}

/** The grant and scope half of the check, for a key already verified (open subscriptions re-check it). */
export function assertKeyHolds(key: KeyRecord, requirement: ApiKeyRequirement): void {
  const assertScope = (scope: ApiKeyScope) => {
    if (!key.scopes.has(scope)) throw errors.forbidden('MISSING_SCOPE', `This needs an API key with the ${scope} scope.`, { requiredScope: scope });
  };
  if (requirement.scope) assertScope(requirement.scope);
  if (requirement.component !== undefined) {
    if (!isGranted(key, requirement.component)) {
      throw errors.forbidden('COMPONENT_NOT_GRANTED', `This key is not granted the component "${requirement.component}".`, { component: requirement.component });
    }
    assertScope(catalog.component(requirement.component)!.scope);
  }
}

/** Where `apiKey()` leaves a field's requirement for ApiKeyPlugin (api-key-plugin.ts). */
export const API_KEY_REQUIREMENT = 'latchkeyApiKeyRequirement';

type ComponentOf<Args> = (args: Args) => string;
type ApiKeyDirective<D> = { extensions: { directives: { apiKey: D }; [API_KEY_REQUIREMENT]: (args: Record<string, unknown>) => ApiKeyRequirement } };

/**
 * `@apiKey(scope)`: the one way a runtime field asks for an API key. Like `session()`, it sets the
 * enforcement (ApiKeyPlugin reads the requirement) and the printed directive together. With
 * `componentOf`, the component it names must be granted and its declared scope held too (checked
 * after the field's own scope).
 */
export function apiKey(scope: ApiKeyScope): ApiKeyDirective<{ scope: ApiKeyScope }>;
export function apiKey<Args>(scope: ApiKeyScope, componentOf: ComponentOf<Args>): ApiKeyDirective<{ scope: ApiKeyScope }>;
export function apiKey<Args>(scope: null, componentOf: ComponentOf<Args>): ApiKeyDirective<Record<string, never>>;
export function apiKey<Args>(scope: ApiKeyScope | null, componentOf?: ComponentOf<Args>): object {
  const directives = { apiKey: scope ? { scope } : {} };
  const requirement = (args: Record<string, unknown>): ApiKeyRequirement => {
    if (!componentOf) return { scope: scope! };
    const component = componentOf(args as Args);
    return scope ? { scope, component } : { component };
  };
  return { extensions: { directives, [API_KEY_REQUIREMENT]: requirement } };
}
