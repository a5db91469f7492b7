import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from '../body.js';

/** What a verifier makes of one delivery's exact raw bytes and headers. */
export type Verification =
  | { ok: true; deliveryId: string; body: unknown }
  | { ok: false; status: 400 | 401; error: string };

/** One app's inbound webhook: how its deliveries are signed, and what a trigger's event is made of. */
export interface InboundWebhook {
  /** The app whose triggers this path delivers to. */
  app: string;
  verify(raw: Buffer, headers: IncomingHttpHeaders, secret: string, now: number): Verification;
  /** The event payload for this trigger component, or null for a delivery the component does not fire on. */
  payload(component: string, body: unknown): unknown;
}

export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function parseJson(raw: Buffer): { ok: true; body: unknown } | { ok: false } {
  try {
    return { ok: true, body: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** A webhook answer: plain JSON, never internals. */
export function send(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The exact raw bytes of a delivery (signatures are computed over them), or null once it has been
 * answered: 405 for anything but POST, 413 over 1 MiB.
 */
export async function readDelivery(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
  if (req.method !== 'POST') {
    send(res, 405, { error: 'Webhooks are delivered with POST.' }, { allow: 'POST' });
    return null;
  }
  try {
    return await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    send(res, 413, { error: `Webhook bodies are limited to ${MAX_BODY_BYTES} bytes.` }, { connection: 'close' });
    req.resume();
    return null;
  }
}
