import nodemailer from 'nodemailer';
import type { ConnectionStatus } from '../../catalog/define.js';

export interface SmtpCredentials {
  host: string;
  port: number;
  secure: boolean;
  username: string;
  password: string;
  from: string;
}

/** One SMTP transport per use (no pool): the credentials live only as long as the call. Closed when `signal` aborts. */
export function openTransport(credentials: SmtpCredentials, signal: AbortSignal) {
  const transport = nodemailer.createTransport({
    host: credentials.host,
    port: credentials.port,
    secure: credentials.secure,
    ...(credentials.username ? { auth: { user: credentials.username, pass: credentials.password } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    logger: false,
    debug: false,
  });
  signal.addEventListener('abort', () => transport.close(), { once: true });
  return transport;
}

export interface SmtpFailure {
  code: 'PROVIDER_ERROR' | 'TIMEOUT' | 'CONNECTION_INVALID';
  message: string;
  connectionStatus?: Exclude<ConnectionStatus, 'ACTIVE' | 'EXPIRED'>;
}

/** What an SMTP error means for the run and the connection, in words that carry no credential. */
export function smtpFailure(error: unknown, signal: AbortSignal): SmtpFailure {
  if (signal.aborted) return { code: 'TIMEOUT', message: 'The SMTP server did not answer in time.' };
  const { code, responseCode, response } = (error ?? {}) as { code?: string; responseCode?: number; response?: string };
  // The server's own reply line (e.g. "550 5.1.1 No such user") says why; it never echoes the password.
  const reply = typeof response === 'string' ? response.replace(/\s+/g, ' ').slice(0, 300) : '';
  // 421 and 45x are temporary: a server limiting how fast it accepts mail says so in its reply.
  if (responseCode && [421, 450, 451, 452].includes(responseCode) && /rate|limit|too many|try again/i.test(reply)) {
    return { code: 'PROVIDER_ERROR', message: `The SMTP server is limiting how fast it accepts mail; try again later (${reply}).` };
  }
  switch (code) {
    case 'EAUTH':
      return { code: 'CONNECTION_INVALID', message: `The SMTP server refused the username or password${reply ? ` (${reply})` : ''}.`, connectionStatus: 'REVOKED' };
    case 'ENOAUTH':
      return { code: 'CONNECTION_INVALID', message: 'The SMTP server requires a username and password.', connectionStatus: 'ERROR' };
    case 'EENVELOPE':
      return { code: 'PROVIDER_ERROR', message: `The SMTP server refused the recipients${reply ? ` (${reply})` : ''}.` };
    case 'ETIMEDOUT':
      return { code: 'TIMEOUT', message: 'The SMTP server did not answer in time.' };
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
    case 'ETLS':
      // Not marked on the connection: a network failure may pass, and the next run would be refused.
      return { code: 'PROVIDER_ERROR', message: `The SMTP server could not be reached (${code}).` };
    case 'EMESSAGE':
      return { code: 'PROVIDER_ERROR', message: `The SMTP server refused the message${reply ? ` (${reply})` : ''}.` };
    default:
      return { code: 'PROVIDER_ERROR', message: `The SMTP server failed${responseCode ? ` with ${responseCode}` : ''}${reply ? ` (${reply})` : ''}.` };
  }
}
