import { Badge, Box, Button, Code, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useId } from 'react';

/** The parts of JSON Schema (2020-12) the console reads. */
export interface JsonSchema {
  title?: string;
  description?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, unknown>;
  required?: string[];
  additionalProperties?: unknown;
  items?: unknown;
  oneOf?: unknown[];
  anyOf?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  pattern?: string;
  writeOnly?: boolean;
  readOnly?: boolean;
}

/** A schema from the API (typed JSON) as something to read; `true` and non-objects read as "anything". */
export const asSchema = (value: unknown): JsonSchema => (value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : {});

export const schemaTypes = (schema: JsonSchema): string[] => (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []);

/** A property's title, else its name. */
export const propertyLabel = (name: string, schema: JsonSchema) => schema.title ?? name;

const alternativesOf = (schema: JsonSchema) => [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].map(asSchema);

/** "string (uri)", "array of string", "string or array of string", "integer". */
export function typeLabel(schema: JsonSchema): string {
  if (schema.const !== undefined) return `constant ${JSON.stringify(schema.const)}`;
  const alternatives = alternativesOf(schema);
  if (alternatives.length > 0 && !schema.type) return alternatives.map(typeLabel).join(' or ');
  const types = schemaTypes(schema);
  if (types.length === 0) return schema.enum ? 'enum' : schema.properties ? 'object' : 'any';
  return types
    .map((type) => {
      if (type === 'array') return schema.items !== undefined ? `array of ${typeLabel(asSchema(schema.items))}` : 'array';
      if (schema.format) return `${type} (${schema.format})`;
      return type;
    })
    .join(' or ');
}

const number = new Intl.NumberFormat();
const range = (min: number | undefined, max: number | undefined, unit: string) => {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${number.format(min)}${unit}` : `${number.format(min)}–${number.format(max)}${unit}`;
  if (min !== undefined) return `at least ${number.format(min)}${unit}`;
  if (max !== undefined) return `at most ${number.format(max)}${unit}`;
  return null;
};

/** Constraints in words: lengths, bounds, allowed values, default. */
export function constraintsOf(schema: JsonSchema): string[] {
  const notes: string[] = [];
  const length = range(schema.minLength, schema.maxLength, ' characters');
  if (length) notes.push(length);
  const bounds = range(schema.minimum, schema.maximum, '');
  if (bounds) notes.push(bounds);
  const count = range(schema.minItems, schema.maxItems, ' items');
  if (count) notes.push(count);
  if (schema.uniqueItems) notes.push('no duplicates');
  if (schema.enum) notes.push(`one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  const items = asSchema(schema.items);
  if (items.enum) notes.push(`each one of ${items.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  if (schema.pattern) notes.push(`matches ${schema.pattern}`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.writeOnly) notes.push('secret: never shown again');
  return notes;
}

interface Row {
  id: string;
  name: string;
  depth: number;
  type: string;
  required: boolean;
  description?: string;
  notes: string[];
  /** A heading for one alternative of a oneOf/anyOf, not a field. */
  alternative?: boolean;
}

function rowsOf(schema: JsonSchema, depth: number, id: string, into: Row[]): Row[] {
  const required = new Set(schema.required ?? []);
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const property = asSchema(raw);
    const rowId = `${id}.${name}`;
    into.push({ id: rowId, name, depth, type: typeLabel(property), required: required.has(name), description: property.description ?? property.title, notes: constraintsOf(property) });
    childRows(property, depth + 1, rowId, into);
  }
  const extra = asSchema(schema.additionalProperties);
  if (schema.additionalProperties && Object.keys(extra).length > 0) {
    into.push({ id: `${id}.*`, name: '<any name>', depth, type: typeLabel(extra), required: false, description: extra.description, notes: constraintsOf(extra) });
    childRows(extra, depth + 1, `${id}.*`, into);
  }
  return into;
}

/** Rows nested under a field: an object's properties, an array's item properties, each alternative's. */
function childRows(schema: JsonSchema, depth: number, id: string, into: Row[]) {
  if (schema.properties || (schema.additionalProperties && typeof schema.additionalProperties === 'object')) rowsOf(schema, depth, id, into);
  const items = asSchema(schema.items);
  if (items.properties || alternativesOf(items).length > 0) childRows(items, depth, `${id}[]`, into);
  const alternatives = alternativesOf(schema);
  if (alternatives.some((alt) => alt.properties)) {
    alternatives.forEach((alt, index) => {
      const altId = `${id}|${index}`;
      into.push({ id: altId, name: alt.title ?? `Option ${index + 1}`, depth, type: typeLabel(alt), required: false, description: alt.description, notes: [], alternative: true });
      childRows(alt, depth + 1, altId, into);
    });
  }
}

/** A JSON Schema as a table of fields: names (nested ones indented), types, required marks, descriptions. */
export function SchemaView({ schema: raw, label }: { schema: unknown; label: string }) {
  const schema = asSchema(raw);
  const [showJson, { toggle }] = useDisclosure(false);
  const jsonId = useId();
  const rows: Row[] | null = schema.properties || alternativesOf(schema).length > 0 || schema.additionalProperties ? [] : null;
  if (rows) {
    rowsOf(schema, 0, '', rows);
    childRowsOfRoot(schema, rows);
  }

  return (
    <Stack gap={6}>
      {rows === null ? (
        <Text size="sm">
          A value of type <Code>{typeLabel(schema)}</Code>
          {constraintsOf(schema).length > 0 && `, ${constraintsOf(schema).join(', ')}`}.
        </Text>
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          No fields.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label={label} verticalSpacing={6} horizontalSpacing="sm" fz="sm" withTableBorder layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="24%">Field</Table.Th>
                <Table.Th w="22%">Type</Table.Th>
                <Table.Th w={100}>Required</Table.Th>
                <Table.Th>Description</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    <Box pl={row.depth * 18} style={row.depth > 0 ? { borderLeft: '2px solid var(--mantine-color-default-border)', marginLeft: (row.depth - 1) * 18 + 4, paddingLeft: 12 } : undefined}>
                      {row.alternative ? (
                        <Text span size="sm" fs="italic" c="dimmed">
                          {row.name}
                        </Text>
                      ) : (
                        <Code>{row.name}</Code>
                      )}
                    </Box>
                  </Table.Td>
                  <Table.Td>
                    <Text span size="sm" ff="monospace">
                      {row.type}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {row.alternative ? null : row.required ? (
                      <Badge size="sm" variant="light" color="orange">
                        required
                      </Badge>
                    ) : (
                      <Text span size="xs" c="dimmed">
                        optional
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {row.description && <Text size="sm">{row.description}</Text>}
                    {row.notes.length > 0 && (
                      <Text size="xs" c="dimmed">
                        {row.notes.join(' · ')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group>
        <Button variant="subtle" size="compact-xs" onClick={toggle} aria-expanded={showJson} aria-controls={jsonId}>
          {showJson ? 'Hide JSON' : 'Show JSON'}
          <VisuallyHidden> ({label})</VisuallyHidden>
        </Button>
      </Group>
      {showJson && (
        <Code block id={jsonId} aria-label={`${label} as JSON`} style={{ maxHeight: 360, overflow: 'auto' }}>
          {JSON.stringify(raw, null, 2)}
        </Code>
      )}
    </Stack>
  );
}

/** A root `oneOf` (e.g. credentials of one kind or another) lists each alternative's fields. */
function childRowsOfRoot(schema: JsonSchema, rows: Row[]) {
  const alternatives = alternativesOf(schema);
  alternatives.forEach((alt, index) => {
    const altId = `|${index}`;
    rows.push({ id: altId, name: alt.title ?? `Option ${index + 1}`, depth: 0, type: typeLabel(alt), required: false, description: alt.description, notes: [], alternative: true });
    rowsOf(alt, 1, altId, rows);
  });
}
