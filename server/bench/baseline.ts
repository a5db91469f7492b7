import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLBoolean, GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, GraphQLString, type GraphQLOutputType } from 'graphql';
import { createYoga } from 'graphql-yoga';
import type { AppDefinition, Component } from '../src/catalog/define.js';

const required = (type: GraphQLOutputType) => new GraphQLNonNull(type);
const requiredList = (type: GraphQLOutputType) => required(new GraphQLList(required(type)));
const enumOf = (name: string, values: string[]) => new GraphQLEnumType({ name, values: Object.fromEntries(values.map((value) => [value, { value }])) });

/**
 * Latchkey's `components` field with its App and Component types, in plain graphql-js: the same
 * fields and the same resolved values, with no auth, no database and no plugins.
 */
export function baselineSchema(components: Component[], componentsOf: (appKey: string) => Component[]): GraphQLSchema {
  const json = new GraphQLScalarType({ name: 'JSON', serialize: (value) => value });
  const kind = enumOf('ComponentKind', ['ACTION', 'TRIGGER']);
  const scope = enumOf('ApiKeyScope', ['READ', 'WRITE', 'DELETE']);
  const app: GraphQLObjectType<AppDefinition> = new GraphQLObjectType<AppDefinition>({
    name: 'App',
    fields: () => ({
      key: { type: required(GraphQLString) },
      name: { type: required(GraphQLString) },
      description: { type: required(GraphQLString) },
      needsConnection: { type: required(GraphQLBoolean) },
      components: { type: requiredList(component), resolve: (parent) => componentsOf(parent.key) },
    }),
  });
  const component: GraphQLObjectType<Component> = new GraphQLObjectType<Component>({
    name: 'Component',
    fields: () => ({
      key: { type: required(GraphQLString) },
      app: { type: required(app) },
      kind: { type: required(kind) },
      name: { type: required(GraphQLString) },
      description: { type: required(GraphQLString) },
      scope: { type: required(scope) },
      requiredPermissions: { type: requiredList(GraphQLString) },
      inputSchema: { type: required(json) },
      outputSchema: { type: required(json) },
    }),
  });
  const query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      components: {
        type: requiredList(component),
        args: { app: { type: GraphQLString }, kind: { type: kind } },
        resolve: () => components,
      },
    },
  });
  return new GraphQLSchema({ query });
}

/** A bare graphql-yoga server on Node's http, on a free port of 127.0.0.1. */
export async function startBaseline(components: Component[], componentsOf: (appKey: string) => Component[]): Promise<{ url: string; close(): Promise<void> }> {
  const yoga = createYoga({ schema: baselineSchema(components, componentsOf), graphqlEndpoint: '/graphql', graphiql: false, landingPage: false, logging: false });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
