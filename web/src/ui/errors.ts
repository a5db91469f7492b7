import type { CombinedError } from 'urql';

export interface InputIssue {
  path: (string | number)[];
  message: string;
}

/** A GraphQL failure as the console shows it: the contract's code, a sentence, and per-field issues. */
export interface ApiError {
  code: string;
  message: string;
  issues: InputIssue[];
}

export function apiError(error: CombinedError): ApiError {
  const first = error.graphQLErrors[0];
  if (!first) {
    return { code: 'NETWORK', message: 'Latchkey could not be reached. Check your connection and try again.', issues: [] };
  }
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  const issues = Array.isArray(first.extensions?.issues) ? (first.extensions.issues as InputIssue[]) : [];
  const message = code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong on the server. Try again.' : first.message;
  return { code, message, issues };
}

/** Issues keyed by their field (the last path segment), for `form.setErrors`. */
export function fieldErrors(issues: InputIssue[]): Record<string, string> {
  return Object.fromEntries(issues.map((issue) => [String(issue.path.at(-1) ?? ''), issue.message]));
}
