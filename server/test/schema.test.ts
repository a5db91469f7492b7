import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printLatchkeySchema } from '../src/schema/print.js';

const committed = readFileSync(fileURLToPath(new URL('../schema.graphql', import.meta.url)), 'utf8');

function directiveOn(field: GraphQLField<unknown, unknown>, name: string) {
  return field.astNode?.directives?.find((directive) => directive.name.value === name);
}

describe('server/schema.graphql', () => {
  it('is the schema the server serves (run `pnpm schema:print` after changing it)', () => {
    expect(printLatchkeySchema()).toBe(committed);
  });

  it('declares @session with the role each management field needs', () => {
    const schema = buildSchema(committed);
    const mutation = schema.getMutationType() as GraphQLObjectType;
    const role = (field: string) => {
      const directive = directiveOn(mutation.getFields()[field]!, 'session');
      const argument = directive?.arguments?.find((arg) => arg.name.value === 'role');
      return directive ? (argument ? (argument.value as { value: string }).value : 'signed-in') : 'none';
    };
    expect(schema.getDirective('session')?.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual(['role: TeamRole']);
    expect(role('createTeam')).toBe('signed-in');
    expect(role('inviteMember')).toBe('ADMIN');
    expect(directiveOn((schema.getQueryType() as GraphQLObjectType).getFields().team!, 'session')).toBeDefined();
  });

  it('puts @session on every mutation', () => {
    const mutation = buildSchema(committed).getMutationType() as GraphQLObjectType;
    const unguarded = Object.values(mutation.getFields()).filter((field) => !directiveOn(field, 'session') && !directiveOn(field, 'apiKey'));
    expect(unguarded.map((field) => field.name)).toEqual([]);
  });
});
