import type { IncomingHttpHeaders } from 'node:http';

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
