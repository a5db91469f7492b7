import { Button, Checkbox, Fieldset, Group, JsonInput, MultiSelect, NumberInput, PasswordInput, Select, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { useId, type KeyboardEvent } from 'react';
import { asSchema, propertyLabel, schemaTypes, type JsonSchema } from './schema-view';

/**
 * Forms generated from a JSON Schema (2020-12), e.g. an app's connection credentials. Values are the
 * JSON the schema describes; field errors are keyed by the dotted path of their property ("smtp.host").
 * A `oneOf` at the top offers its alternatives (by title) as a choice above the fields.
 */

export type SchemaValues = Record<string, unknown>;
export type SchemaErrors = Record<string, string>;

const alternativesOf = (schema: JsonSchema): JsonSchema[] => (Array.isArray(schema.oneOf) ? schema.oneOf.map(asSchema) : []);

/** The object schema to fill when `alternative` is chosen: the shared properties plus the alternative's. */
export function chosenSchema(schema: JsonSchema, alternative: number): JsonSchema {
  const chosen = alternativesOf(schema)[alternative];
  if (!chosen) return schema;
  return {
    ...schema,
    oneOf: undefined,
    properties: { ...(schema.properties ?? {}), ...(chosen.properties ?? {}) },
    required: [...(schema.required ?? []), ...(chosen.required ?? [])],
  };
}

/** Starting values: each property's `default`, in every alternative. */
export function initialValues(schema: JsonSchema): SchemaValues {
  const values: SchemaValues = {};
  const fill = (object: JsonSchema, into: SchemaValues) => {
    for (const [key, raw] of Object.entries(object.properties ?? {})) {
      const property = asSchema(raw);
      if (property.default !== undefined) into[key] = structuredClone(property.default);
      else if (property.properties) fill(property, (into[key] = {}) as SchemaValues);
    }
  };
  fill(schema, values);
  for (const alternative of alternativesOf(schema)) fill(alternative, values);
  return values;
}

/** A required string the schema lets be empty (e.g. an SMTP username for a server without sign-in). */
const mayBeEmpty = (property: JsonSchema) => schemaTypes(property).includes('string') && !property.enum && !property.minLength;

const isBlank = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** The JSON to send: only the properties of `schema` (the chosen alternative), blanks left out. */
export function collectValues(schema: JsonSchema, values: SchemaValues): SchemaValues {
  const result: SchemaValues = {};
  const required = new Set(schema.required ?? []);
  for (const [key, raw] of Object.entries(schema.properties ?? {})) {
    const property = asSchema(raw);
    const value = values[key];
    if (isBlank(value)) {
      if (required.has(key) && mayBeEmpty(property)) result[key] = '';
      continue;
    }
    if (property.properties && typeof value === 'object' && !Array.isArray(value)) {
      const nested = collectValues(property, value as SchemaValues);
      if (Object.keys(nested).length > 0) result[key] = nested;
    } else if (isJsonField(property) && typeof value === 'string') {
      result[key] = JSON.parse(value);
    } else result[key] = value;
  }
  return result;
}

/** Checks what a person can fix before sending: required fields, lengths, bounds, formats of JSON. */
export function validateValues(schema: JsonSchema, values: SchemaValues, prefix = ''): SchemaErrors {
  const errors: SchemaErrors = {};
  const required = new Set(schema.required ?? []);
  for (const [key, raw] of Object.entries(schema.properties ?? {})) {
    const property = asSchema(raw);
    const path = prefix ? `${prefix}.${key}` : key;
    const value = values[key];
    const label = propertyLabel(key, property);
    if (isBlank(value)) {
      if (required.has(key) && property.type !== 'boolean' && !mayBeEmpty(property)) errors[path] = `${label} is required.`;
      continue;
    }
    if (property.properties && typeof value === 'object') {
      Object.assign(errors, validateValues(property, value as SchemaValues, path));
      continue;
    }
    const problem = checkValue(property, value);
    if (problem) errors[path] = problem;
  }
  return errors;
}

function checkValue(property: JsonSchema, value: unknown): string | null {
  if (typeof value === 'string') {
    if (isJsonField(property)) {
      try {
        JSON.parse(value);
      } catch {
        return 'Enter valid JSON.';
      }
      return null;
    }
    if (property.minLength !== undefined && value.length < property.minLength) return `At least ${property.minLength} characters.`;
    if (property.maxLength !== undefined && value.length > property.maxLength) return `At most ${property.maxLength} characters.`;
    if (property.pattern !== undefined && !new RegExp(property.pattern, 'u').test(value)) return 'This value is not in the expected format.';
  }
  if (typeof value === 'number') {
    if (schemaTypes(property).includes('integer') && !Number.isInteger(value)) return 'Enter a whole number.';
    if (property.minimum !== undefined && value < property.minimum) return `At least ${property.minimum}.`;
    if (property.maximum !== undefined && value > property.maximum) return `At most ${property.maximum}.`;
  }
  if (Array.isArray(value)) {
    if (property.minItems !== undefined && value.length < property.minItems) return `Choose at least ${property.minItems}.`;
    if (property.maxItems !== undefined && value.length > property.maxItems) return `At most ${property.maxItems} items.`;
  }
  return null;
}

/** Server issue paths (["input", "credentials", "smtp", "host"]) as field keys, relative to `root`. */
export function errorsFromIssues(issues: { path: (string | number)[]; message: string }[], root: (string | number)[]): { fields: SchemaErrors; rest: string[] } {
  const fields: SchemaErrors = {};
  const rest: string[] = [];
  for (const issue of issues) {
    const under = root.every((part, index) => issue.path[index] === part);
    const path = under ? issue.path.slice(root.length).join('.') : '';
    if (path && !(path in fields)) fields[path] = issue.message;
    else rest.push(issue.message);
  }
  return { fields, rest };
}

/** Fields typed as JSON text: objects without declared properties, arrays of anything but strings, untyped values. */
function isJsonField(property: JsonSchema): boolean {
  if (property.enum) return false;
  const types = schemaTypes(property);
  if (types.includes('array')) {
    const items = property.items && typeof property.items === 'object' ? asSchema(property.items) : null;
    return !(items === null || items.enum || schemaTypes(items).includes('string'));
  }
  return (types.includes('object') && !property.properties) || types.length === 0;
}

interface SchemaFormProps {
  schema: JsonSchema;
  values: SchemaValues;
  onChange: (values: SchemaValues) => void;
  errors: SchemaErrors;
  /** Which `oneOf` alternative is being filled (ignored when the schema has none). */
  alternative: number;
  onAlternativeChange: (alternative: number) => void;
  disabled?: boolean;
}

export function SchemaForm({ schema, values, onChange, errors, alternative, onAlternativeChange, disabled }: SchemaFormProps) {
  const alternatives = alternativesOf(schema);
  return (
    <Stack gap="sm">
      {alternatives.length > 1 && (
        <AlternativePicker titles={alternatives.map((alt, index) => alt.title ?? `Option ${index + 1}`)} value={alternative} onChange={onAlternativeChange} disabled={disabled} />
      )}
      <ObjectFields schema={chosenSchema(schema, alternative)} values={values} onChange={onChange} errors={errors} prefix="" disabled={disabled} />
    </Stack>
  );
}

/**
 * The alternatives as a row of radio buttons named by their content. (Native radios with labels would
 * share their accessible names with the alternative's own fields, which often carry the same title.)
 */
function AlternativePicker({ titles, value, onChange, disabled }: { titles: string[]; value: number; onChange: (value: number) => void; disabled?: boolean }) {
  const labelId = useId();
  const move = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + titles.length) % titles.length;
    onChange(next);
    const group = event.currentTarget.parentElement;
    (group?.querySelectorAll<HTMLButtonElement>('[role="radio"]')[next])?.focus();
  };
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} id={labelId}>
        Credential type
      </Text>
      <Group gap="xs" role="radiogroup" aria-labelledby={labelId}>
        {titles.map((title, index) => (
          <Button
            key={title}
            role="radio"
            aria-checked={index === value}
            tabIndex={index === value ? 0 : -1}
            variant={index === value ? 'filled' : 'default'}
            size="xs"
            disabled={disabled}
            onClick={() => onChange(index)}
            onKeyDown={(event) => move(event, index)}
          >
            {title}
          </Button>
        ))}
      </Group>
    </Stack>
  );
}

interface FieldsProps {
  schema: JsonSchema;
  values: SchemaValues;
  onChange: (values: SchemaValues) => void;
  errors: SchemaErrors;
  prefix: string;
  disabled?: boolean;
}

function ObjectFields({ schema, values, onChange, errors, prefix, disabled }: FieldsProps) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, raw]) => {
        const property = asSchema(raw);
        const path = prefix ? `${prefix}.${key}` : key;
        const set = (value: unknown) => onChange({ ...values, [key]: value });
        if (property.properties) {
          return (
            <Fieldset key={path} legend={propertyLabel(key, property)} disabled={disabled}>
              <Stack gap="sm">
                {property.description && (
                  <Text size="xs" c="dimmed">
                    {property.description}
                  </Text>
                )}
                <ObjectFields
                  schema={property}
                  values={(values[key] as SchemaValues | undefined) ?? {}}
                  onChange={set}
                  errors={errors}
                  prefix={path}
                  disabled={disabled}
                />
              </Stack>
            </Fieldset>
          );
        }
        return <Field key={path} name={key} property={property} required={required.has(key)} value={values[key]} onChange={set} error={errors[path]} disabled={disabled} />;
      })}
    </>
  );
}

interface FieldProps {
  name: string;
  property: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string;
  disabled?: boolean;
}

function Field({ name, property, required, value, onChange, error, disabled }: FieldProps) {
  const common = { label: propertyLabel(name, property), description: property.description, required: required && !mayBeEmpty(property), error, disabled };
  const types = schemaTypes(property);
  const items = property.items && typeof property.items === 'object' ? asSchema(property.items) : null;

  if (property.enum) {
    const data = property.enum.map((option) => String(option));
    return <Select {...common} data={data} value={value === undefined ? null : String(value)} onChange={(next) => onChange(next ?? undefined)} allowDeselect={!required} />;
  }
  if (types.includes('boolean')) {
    return <Switch label={common.label} description={common.description} error={error} disabled={disabled} checked={value === true} onChange={(event) => onChange(event.currentTarget.checked)} />;
  }
  if (types.includes('integer') || types.includes('number')) {
    return (
      <NumberInput
        {...common}
        min={property.minimum}
        max={property.maximum}
        allowDecimal={!types.includes('integer')}
        value={typeof value === 'number' ? value : ''}
        onChange={(next) => onChange(typeof next === 'number' ? next : undefined)}
      />
    );
  }
  if (types.includes('array') && items?.enum) {
    const data = items.enum.map((option) => String(option));
    const selected = Array.isArray(value) ? (value as string[]) : [];
    if (data.length <= 8) {
      return (
        <Checkbox.Group {...common} value={selected} onChange={onChange}>
          <Group gap="md" mt={6}>
            {data.map((option) => (
              <Checkbox key={option} value={option} label={option} />
            ))}
          </Group>
        </Checkbox.Group>
      );
    }
    return <MultiSelect {...common} data={data} value={selected} onChange={onChange} searchable />;
  }
  if (types.includes('array') && (!items || schemaTypes(items).includes('string'))) {
    return (
      <TagsInput
        {...common}
        description={[property.description, 'Press Enter or type a comma after each.'].filter(Boolean).join(' ')}
        value={Array.isArray(value) ? (value as string[]) : []}
        onChange={onChange}
        acceptValueOnBlur
      />
    );
  }
  if (isJsonField(property)) {
    return <JsonInput {...common} description={[property.description, 'JSON.'].filter(Boolean).join(' ')} autosize minRows={2} value={typeof value === 'string' ? value : ''} onChange={onChange} />;
  }
  const text = typeof value === 'string' ? value : '';
  if (property.writeOnly) {
    return <PasswordInput {...common} value={text} onChange={(event) => onChange(event.currentTarget.value)} autoComplete="new-password" spellCheck={false} />;
  }
  const inputType = property.format === 'email' ? 'email' : property.format === 'uri' ? 'url' : 'text';
  return <TextInput {...common} type={inputType} value={text} onChange={(event) => onChange(event.currentTarget.value)} spellCheck={false} />;
}
