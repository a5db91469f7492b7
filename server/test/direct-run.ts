import { expect } from 'vitest';
import { ActionError, type ActionContext, type ActionDefinition, type AppDefinition } from '../src/catalog/define.js';
import { validateAgainst } from '../src/catalog/validation.js';
import type { Config } from '../src/config.js';
import { createLogger } from '../src/log.js';

/**
 * Runs an app's action handler directly, as the runner would, with the given credentials; input and
 * output are checked against the component's schemas on the way.
 */
export function directRunner(app: AppDefinition, config: () => Config, defaultCredentials: () => unknown) {
  return async function run(name: string, input: unknown, options: { credentials?: unknown; signal?: AbortSignal } = {}): Promise<any> {
    const definition = app.components.find((component) => component.name === name) as ActionDefinition;
    const prepared = structuredClone(input);
    expect(validateAgainst(definition.inputSchema, prepared, ['input'])).toEqual([]);
    const context: ActionContext<unknown> = {
      input: prepared,
      teamId: 'team',
      apiKeyId: 'key',
      connection: { id: 'connection', credentials: options.credentials ?? defaultCredentials(), permissions: ['read', 'write'] },
      signal: options.signal ?? new AbortController().signal,
      prisma: undefined as never,
      log: createLogger('silent'),
      config: config(),
    };
    const output = await definition.run(context);
    expect(validateAgainst(definition.outputSchema, structuredClone(output), ['output'])).toEqual([]);
    return output;
  };
}

/** The ActionError a run ends with. */
export async function actionFailure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}
