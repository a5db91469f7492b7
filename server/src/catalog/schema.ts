import { apiKey, isGranted } from '../access/api-key.js';
import type { Context } from '../access/context.js';
import { builder } from '../schema/builder.js';
import type { AppDefinition, Component } from './define.js';
import { catalog } from './registry.js';

export const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', { values: ['READ', 'WRITE', 'DELETE'] as const });
export const ComponentKindEnum = builder.enumType('ComponentKind', { values: ['ACTION', 'TRIGGER'] as const });

export const AppRef = builder.objectRef<AppDefinition>('App');
export const ComponentRef = builder.objectRef<Component>('Component');

/** For a key, only its granted components exist; a signed-in console sees the whole catalog. */
async function visibleComponents(ctx: Context, components: Component[]): Promise<Component[]> {
  if (!ctx.presentsApiKey()) return components;
  const key = await ctx.requireApiKey();
  return components.filter((component) => isGranted(key, component.key));
}

AppRef.implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    needsConnection: t.exposeBoolean('needsConnection'),
    components: t.field({ type: [ComponentRef], resolve: (app, _args, ctx) => visibleComponents(ctx, catalog.componentsOf(app.key)) }),
  }),
});

ComponentRef.implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: '"<app>.<name>", e.g. "linear.createIssue".' }),
    app: t.field({ type: AppRef, resolve: (component) => component.app }),
    kind: t.field({ type: ComponentKindEnum, resolve: (component) => component.kind }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    scope: t.field({ type: ApiKeyScopeEnum, description: 'What runAction / registerTrigger needs on top of the field’s own scope.', resolve: (component) => component.scope }),
    requiredPermissions: t.stringList({ description: 'What the connection must have been granted.', resolve: (component) => component.requiredPermissions }),
    inputSchema: t.field({ type: 'JSON', description: 'JSON Schema 2020-12 (actions: input; triggers: config).', resolve: (component) => component.inputSchema }),
    outputSchema: t.field({ type: 'JSON', description: 'JSON Schema of the action output / trigger event payload.', resolve: (component) => component.outputSchema }),
  }),
});

builder.queryFields((t) => ({
  apps: t.field({ type: [AppRef], description: 'The catalog of apps and their components.', resolve: () => catalog.apps() }),
  components: t.field({
    type: [ComponentRef],
    description: 'The components this key was granted.',
    args: { app: t.arg.string({ required: false }), kind: t.arg({ type: ComponentKindEnum, required: false }) },
    ...apiKey('READ'),
    resolve: async (_root, args, ctx) => {
      const key = await ctx.requireApiKey();
      return catalog.components().filter((component) => isGranted(key, component.key) && (!args.app || component.app.key === args.app) && (!args.kind || component.kind === args.kind));
    },
  }),
  component: t.field({
    type: ComponentRef,
    nullable: true,
    description: 'One component by key; null when this key was not granted it.',
    args: { key: t.arg.string() },
    ...apiKey('READ'),
    resolve: async (_root, args, ctx) => {
      const key = await ctx.requireApiKey();
      return isGranted(key, args.key) ? (catalog.component(args.key) ?? null) : null;
    },
  }),
}));
