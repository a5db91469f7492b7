import { createHash } from 'node:crypto';
import type { Context } from '../access/context.js';
import { ActionError, type ActionDefinition, type Component } from '../catalog/define.js';
import { validateAgainst } from '../catalog/validation.js';
import { connectionForRun, markConnectionFromRun } from '../connections/service.js';
import type { Prisma } from '../db/client.js';
import type { KeyRecord } from '../keys/verifier.js';
import { errors, isLatchkeyError } from '../schema/errors.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY_MAX = 255;

export interface RunResult {
  id: string;
  component: string;
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: { code: string; message: string } | null;
  idempotencyKey: string | null;
  replayed: boolean;
  startedAt: Date;
  durationMs: number;
}

type RunRow = Prisma.ActionRunGetPayload<object>;

function fromRow(row: RunRow, replayed: boolean): RunResult {
  return {
    id: row.id,
    component: row.component,
    status: row.status,
    output: row.output,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    idempotencyKey: row.idempotencyKey,
    replayed,
    startedAt: row.startedAt,
    durationMs: row.durationMs,
  };
}

/** Stable across key order, so the same input sent twice hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Runs the handler under its timeout; provider and handler failures become the run's error. */
async function execute(ctx: Context, key: KeyRecord, action: Component & ActionDefinition, input: unknown): Promise<{ output: unknown; error: { code: string; message: string } | null }> {
  // The granted connection is checked again now: it may have expired or failed since it was granted.
  const { connection, error: connectionError } = await connectionForRun(ctx, key, action);
  if (connectionError) return { output: null, error: connectionError };
  const controller = new AbortController();
  const timeoutMs = action.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ActionError('TIMEOUT', `The action did not finish within ${timeoutMs} ms.`));
    }, timeoutMs);
  });
  try {
    const output = await Promise.race([action.run({ input, teamId: key.teamId, apiKeyId: key.id, connection, signal: controller.signal, prisma: ctx.prisma, log: ctx.log, config: ctx.config }), timeout]);
    return { output: output ?? null, error: null };
  } catch (error) {
    if (isLatchkeyError(error)) throw error;
    await markConnectionFromRun(ctx, connection, error);
    if (error instanceof ActionError) return { output: null, error: { code: error.code, message: error.message } };
    ctx.log.error({ err: error, component: action.name }, 'action failed unexpectedly');
    return { output: null, error: { code: 'PROVIDER_ERROR', message: 'The action failed unexpectedly.' } };
  } finally {
    clearTimeout(timer);
  }
}

async function runAndRecord(ctx: Context, tx: Prisma.TransactionClient | Context['prisma'], key: KeyRecord, component: Component & ActionDefinition, input: unknown, inputHash: string, idempotencyKey: string | null): Promise<RunResult> {
  const startedAt = new Date();
  const started = performance.now();
  const { output, error } = await execute(ctx, key, component, input);
  const row = await tx.actionRun.create({
    data: {
      teamId: key.teamId,
      apiKeyId: key.id,
      component: component.key,
      status: error ? 'FAILED' : 'SUCCEEDED',
      output: error ? undefined : (output as Prisma.InputJsonValue),
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      idempotencyKey,
      inputHash,
      startedAt,
      durationMs: Math.round(performance.now() - started),
    },
  });
  return fromRow(row, false);
}

/**
 * runAction: the key's grant and scope were checked by @apiKey. Validates the input, replays an
 * idempotent retry, runs the handler under its timeout, and records the run.
 */
export async function runAction(ctx: Context, key: KeyRecord, component: Component, rawInput: unknown, idempotencyKey: string | null): Promise<RunResult> {
  if (component.kind !== 'ACTION') throw errors.badUserInput([{ path: ['component'], message: `"${component.key}" is a trigger; register it with registerTrigger` }]);
  if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX)) {
    throw errors.badUserInput([{ path: ['idempotencyKey'], message: `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters` }]);
  }
  const input = structuredClone(rawInput);
  const issues = validateAgainst(component.inputSchema, input, ['input']);
  if (issues.length === 0 && component.validate) issues.push(...component.validate(input));
  if (issues.length > 0) throw errors.badUserInput(issues, `Invalid input for ${component.key}: ${issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const inputHash = createHash('sha256').update(`${component.key}\n${canonical(rawInput)}`).digest('hex');

  if (idempotencyKey === null) return runAndRecord(ctx, ctx.prisma, key, component, input, inputHash, null);

  const timeoutMs = (component.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 10_000;
  return ctx.prisma.$transaction(
    async (tx) => {
      // Two concurrent retries with one idempotency key: the second waits here and then replays.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${key.id}:${idempotencyKey}`}, 0))`;
      const previous = await tx.actionRun.findFirst({
        where: { apiKeyId: key.id, idempotencyKey, startedAt: { gt: new Date(Date.now() - IDEMPOTENCY_WINDOW_MS) } },
        orderBy: { startedAt: 'desc' },
      });
      if (previous) {
        if (previous.inputHash !== inputHash) {
          throw errors.badUserInput([{ path: ['idempotencyKey'], message: 'was already used with a different input' }], 'This idempotency key was already used with a different input.', {
            reason: 'IDEMPOTENCY_KEY_REUSED',
          });
        }
        return fromRow(previous, true);
      }
      return runAndRecord(ctx, tx, key, component, input, inputHash, idempotencyKey);
    },
    { timeout: timeoutMs, maxWait: timeoutMs },
  );
}

export async function runsPage(ctx: Context, teamId: string, filter: { apiKeyId?: string | null; component?: string | null; status?: 'SUCCEEDED' | 'FAILED' | null }, first: number, cursor: { at: Date; id: string } | null) {
  const rows = await ctx.prisma.actionRun.findMany({
    where: {
      teamId,
      ...(filter.apiKeyId ? { apiKeyId: filter.apiKeyId } : {}),
      ...(filter.component ? { component: filter.component } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(cursor ? { OR: [{ startedAt: { lt: cursor.at } }, { startedAt: cursor.at, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: first + 1,
  });
  return { rows: rows.slice(0, first), hasMore: rows.length > first };
}
