import { graphql, type ResultOf } from '../../graphql';

/** The whole catalog: every app and every component, with their JSON Schemas. */
export const CatalogQuery = graphql(`
  query Catalog {
    apps {
      key
      name
      description
      needsConnection
      components {
        key
        name
        description
        kind
        scope
        requiredPermissions
        inputSchema
        outputSchema
      }
    }
  }
`);

export type CatalogApp = ResultOf<typeof CatalogQuery>['apps'][number];
export type CatalogComponent = CatalogApp['components'][number];
