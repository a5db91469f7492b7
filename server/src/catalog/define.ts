import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../log.js';
import type { InputIssue } from '../schema/errors.js';

export type ApiKeyScope = 'READ' | 'WRITE' | 'DELETE';
export type ComponentKind = 'ACTION' | 'TRIGGER';
export type JsonSchema = Record<string, unknown>;

/** A run that fails in the provider or the handler: the run is FAILED with this code, not a GraphQL error. */
export class ActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ActionContext<Input> {
  input: Input;
  teamId: string;
  apiKeyId: string;
  signal: AbortSignal;
  prisma: PrismaClient;
  log: Logger;
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
  components: ComponentDefinition[];
}

export type Component = ComponentDefinition & { key: string; app: AppDefinition; requiredPermissions: string[] };

export const defineApp = (app: AppDefinition): AppDefinition => app;
export const defineAction = <Input, Output>(action: Omit<ActionDefinition<Input, Output>, 'kind'>): ActionDefinition<Input, Output> => ({ kind: 'ACTION', ...action });
export const defineTrigger = (trigger: Omit<TriggerDefinition, 'kind'>): TriggerDefinition => ({ kind: 'TRIGGER', ...trigger });
