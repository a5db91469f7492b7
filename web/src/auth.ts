import { createAuthClient } from 'better-auth/react';

/** Sign-up, sign-in and sign-out go to better-auth; everything else goes through GraphQL. */
export const authClient = createAuthClient({ baseURL: window.location.origin, basePath: '/api/auth' });

/** What better-auth answers on failure (its client returns errors instead of throwing). */
export interface AuthFailure {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
}

export type AuthField = 'name' | 'email' | 'password';

/** A failure in the user's words, and the field it belongs to when there is one. */
export function describeAuthFailure(failure: AuthFailure): { field?: AuthField; message: string } {
  if (failure.status === 429) return { message: failure.message ?? 'Too many attempts. Wait a minute and try again.' };
  switch (failure.code) {
    case 'INVALID_EMAIL_OR_PASSWORD':
      return { message: 'Wrong email or password.' };
    case 'USER_ALREADY_EXISTS':
    case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
      return { field: 'email', message: 'An account with this email already exists. Sign in instead.' };
    case 'INVALID_EMAIL':
      return { field: 'email', message: 'Enter a valid email address.' };
    case 'PASSWORD_TOO_SHORT':
      return { field: 'password', message: `Use at least ${PASSWORD_MIN} characters.` };
    case 'PASSWORD_TOO_LONG':
      return { field: 'password', message: `Use at most ${PASSWORD_MAX} characters.` };
  }
  if (failure.status === 0 || failure.status >= 500) return { message: 'Latchkey could not be reached. Try again in a moment.' };
  return { message: failure.message ?? 'Something went wrong. Try again.' };
}

/** The server's password rules (server/src/access/auth.ts). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Runs a better-auth call and resolves to its failure, or to null when it succeeded. */
export async function attempt(call: Promise<{ error: { status: number; code?: string | undefined; message?: string | undefined } | null }>): Promise<AuthFailure | null> {
  try {
    const { error } = await call;
    return error ? { status: error.status, code: error.code, message: error.message } : null;
  } catch {
    return { status: 0 };
  }
}
