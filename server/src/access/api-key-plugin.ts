import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { API_KEY_REQUIREMENT, assertApiKey, type ApiKeyRequirement } from './api-key.js';
import type { Context } from './context.js';

type RequirementOf = (args: Record<string, unknown>) => ApiKeyRequirement;

/**
 * Enforces `@apiKey` on the fields `apiKey()` marked: the key is checked before the resolver (or,
 * for subscriptions, before the stream starts). A plain wrapper on the hot path: it costs a few
 * microseconds where a general scope-evaluation plugin cost tens.
 */
export class ApiKeyPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private requirementOf(fieldConfig: PothosOutputFieldConfig<Types>): RequirementOf | undefined {
    return fieldConfig.extensions?.[API_KEY_REQUIREMENT] as RequirementOf | undefined;
  }

  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types['Context'], object>, fieldConfig: PothosOutputFieldConfig<Types>) {
    const requirementOf = this.requirementOf(fieldConfig);
    // A subscription's key is checked once in wrapSubscribe; its open stream re-checks the key itself.
    if (!requirementOf || fieldConfig.kind === 'Subscription') return resolver;
    return async (parent: unknown, args: object, ctx: Types['Context'], info: Parameters<typeof resolver>[3]) => {
      await assertApiKey(ctx as Context, requirementOf(args as Record<string, unknown>));
      return resolver(parent, args, ctx, info);
    };
  }

  override wrapSubscribe(subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined, fieldConfig: PothosOutputFieldConfig<Types>) {
    const requirementOf = this.requirementOf(fieldConfig);
    if (!requirementOf || !subscribe) return subscribe;
    return async (parent: unknown, args: object, ctx: Types['Context'], info: Parameters<typeof subscribe>[3]) => {
      await assertApiKey(ctx as Context, requirementOf(args as Record<string, unknown>));
      return subscribe(parent, args, ctx, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      latchkeyApiKey: ApiKeyPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('latchkeyApiKey', ApiKeyPlugin);
