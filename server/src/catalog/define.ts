import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../log.js';
import type { InputIssue } from '../schema/errors.js';

export type ApiKeyScope = 'READ' | 'WRITE' | 'DELETE';
export type ComponentKind = 'ACTION' | 'TRIGGER';
export type JsonSchema = Record<string, unknown>;

/** The JSON Schema dialect every component schema declares. */
export const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** A closed object schema: these properties, these required, nothing else. */
export const objectSchema = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
  ...extra,
});

export type ConnectionStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'ERROR';

/**
 * A run that fails in the provider or the handler: the run is FAILED with this code (for example
 * PROVIDER_ERROR, TIMEOUT, CONNECTION_INVALID, NOT_FOUND), not a GraphQL error. `connectionStatus`
 * tells the runner what the provider's answer says about the connection (401 → REVOKED, …).
 */
export class ActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { connectionStatus?: ConnectionStatus; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

/** The connection a run acts through: decrypted credentials, only ever inside the server. */
export interface RunConnection<Credentials = unknown> {
  id: string;
  credentials: Credentials;
  permissions: string[];
}

export interface ActionContext<Input, Credentials = any> {
  input: Input;
  teamId: string;
  apiKeyId: string;
  /** The granted connection, for apps that need one; null otherwise. */
  connection: RunConnection<Credentials> | null;
  signal: AbortSignal;
  prisma: PrismaClient;
  log: Logger;
  config: Config;
}

/** What a provider says about a set of credentials when they are checked. */
export interface ConnectionCheck {
  permissions: string[];
  expiresAt?: Date | null;
}

/** Credentials the provider refused: the connection is not saved (or is marked with `status`). */
export class ConnectionCheckError extends Error {
  constructor(
    message: string,
    readonly status: Exclude<ConnectionStatus, 'ACTIVE'> = 'ERROR',
  ) {
    super(message);
  }
}

export interface ConnectionDefinition<Credentials = any> {
  /** JSON Schema of the credentials; the console builds its form from it. Secret fields carry `writeOnly: true`. */
  credentialsSchema: JsonSchema;
  /** Asks the provider whether the credentials work and what they may do. Throws ConnectionCheckError. */
  check(credentials: Credentials, context: { config: Config; signal: AbortSignal }): Promise<ConnectionCheck>;
}

interface ComponentBase {
  name: string;
  description: string;
  /** What the caller's key needs for runAction / registerTrigger, on top of the field's own scope. */
  scope: ApiKeyScope;
  /** What the connection must have been granted. */
  requiredPermissions?: string[];
}

export interface ActionDefinition<Input = any, Output = unknown> extends ComponentBase {
  kind: 'ACTION';
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  timeoutMs?: number;
  /** Checks JSON Schema cannot express (sizes, cross-field rules); issues become BAD_USER_INPUT. */
  validate?: (input: Input) => InputIssue[];
  run(context: ActionContext<Input>): Promise<Output>;
}

export interface TriggerDefinition extends ComponentBase {
  kind: 'TRIGGER';
  /** JSON Schema of the trigger's config. */
  inputSchema: JsonSchema;
  /** JSON Schema of each event's payload. */
  outputSchema: JsonSchema;
}

export type ComponentDefinition = ActionDefinition | TriggerDefinition;

export interface AppDefinition {
  key: string;
  name: string;
  description: string;
  /** Apps that act on an outside account need a team connection. */
  needsConnection: boolean;
  connection?: ConnectionDefinition;
  components: ComponentDefinition[];
}

export type Component = ComponentDefinition & { key: string; app: AppDefinition; requiredPermissions: string[] };

export const defineApp = (app: AppDefinition): AppDefinition => app;
export const defineAction = <Input, Output>(action: Omit<ActionDefinition<Input, Output>, 'kind'>): ActionDefinition<Input, Output> => ({ kind: 'ACTION', ...action });
export const defineTrigger = (trigger: Omit<TriggerDefinition, 'kind'>): TriggerDefinition => ({ kind: 'TRIGGER', ...trigger });
