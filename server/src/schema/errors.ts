import { GraphQLError } from 'graphql';

/**
 * Every error a client can see is built here, with the codes and HTTP statuses of CONTRACT section 3.
 * Anything else thrown by a resolver is unexpected and masked by Yoga.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONNECTION_INVALID' | 'RATE_LIMITED';
export type ForbiddenReason = 'MISSING_SCOPE' | 'COMPONENT_NOT_GRANTED' | 'ROLE_REQUIRED';
export interface InputIssue {
  path: (string | number)[];
  message: string;
}

function latchkeyError(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}, http?: { status: number; headers?: Record<string, string> }) {
  return new GraphQLError(message, { extensions: { code, ...extensions, ...(http ? { http } : {}) } });
}

export const errors = {
  unauthenticated: (message = 'A valid API key or a signed-in session is required.') =>
    latchkeyError(message, 'UNAUTHENTICATED', {}, { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } }),
  forbidden: (reason: ForbiddenReason, message: string, details: Record<string, unknown> = {}) =>
    latchkeyError(message, 'FORBIDDEN', { reason, ...details }, { status: 403 }),
  notFound: (what = 'Resource') => latchkeyError(`${what} not found.`, 'NOT_FOUND'),
  badUserInput: (issues: InputIssue[], message = issues[0]?.message ?? 'Invalid input.', details: Record<string, unknown> = {}) =>
    latchkeyError(message, 'BAD_USER_INPUT', { issues, ...details }, { status: 400 }),
  connectionInvalid: (message: string, details: Record<string, unknown> = {}) => latchkeyError(message, 'CONNECTION_INVALID', details),
  rateLimited: (retryAfterSeconds: number) =>
    latchkeyError('Too many requests.', 'RATE_LIMITED', { retryAfterSeconds }, { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } }),
};

/** True for errors built above (they are shown to clients as they are). */
export function isLatchkeyError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && typeof error.extensions?.code === 'string';
}
