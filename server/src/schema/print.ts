import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema } from 'graphql';
import { schema } from './index.js';

/** The schema as committed in server/schema.graphql: sorted, with the directives on each field. */
export function printLatchkeySchema(): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema)).trim()}\n`;
}
