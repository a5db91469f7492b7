import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths that may carry a secret are never written, whatever a caller logs. */
const redact = {
  paths: ['authorization', '*.authorization', 'cookie', '*.cookie', 'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie', 'secret', '*.secret', 'password', '*.password', 'credentials', '*.credentials'],
  censor: '[redacted]',
};

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact, base: undefined }, destination);
}
