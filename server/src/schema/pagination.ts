import { errors } from './errors.js';

/** Opaque cursors over (time, id) orderings: base64url of the pair. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string, path: (string | number)[]): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw errors.badUserInput([{ path, message: 'is not a cursor returned by this API' }]);
  }
}

export function pageSize(first: number | null | undefined, path: (string | number)[], { fallback = 20, max = 100 } = {}): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) throw errors.badUserInput([{ path, message: `must be between 1 and ${max}` }]);
  return size;
}
