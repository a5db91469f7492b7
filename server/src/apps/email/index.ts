import { ActionError, ConnectionCheckError, defineAction, defineApp, type JsonSchema, JSON_SCHEMA_2020 } from '../../catalog/define.js';
import { openTransport, smtpFailure, type SmtpCredentials } from './smtp.js';


const credentialsSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'secure', 'username', 'password', 'from'],
  properties: {
    host: { type: 'string', title: 'SMTP host', minLength: 1, maxLength: 253 },
    port: { type: 'integer', title: 'Port', minimum: 1, maximum: 65535, default: 587 },
    secure: { type: 'boolean', title: 'TLS from the start', description: 'On for port 465; off to upgrade with STARTTLS when the server offers it.', default: false },
    username: { type: 'string', title: 'Username', maxLength: 320 },
    password: { type: 'string', title: 'Password', maxLength: 1024, writeOnly: true },
    from: { type: 'string', title: 'From', description: 'The sender, e.g. "Alerts <alerts@example.com>".', minLength: 3, maxLength: 320 },
  },
};

/** "ada@example.com" or "Ada Lovelace <ada@example.com>", on one line. */
const address: JsonSchema = { type: 'string', minLength: 3, maxLength: 320, pattern: '^(?:[^\\s@<>]+@[^\\s@<>]+|[^\\r\\n<>]*<[^\\s@<>]+@[^\\s@<>]+>)$' };

interface SendInput {
  to: string | string[];
  subject: string;
  text?: string;
  html?: string;
}

export const email = defineApp({
  key: 'email',
  name: 'Email (SMTP)',
  description: 'Send email through the team’s own SMTP server.',
  needsConnection: true,
  connection: {
    credentialsSchema,
    async check(credentials: SmtpCredentials, { signal }) {
      const transport = openTransport(credentials, signal);
      try {
        await transport.verify();
        return { permissions: ['send'] };
      } catch (error) {
        const failure = smtpFailure(error, signal);
        throw new ConnectionCheckError(failure.message, failure.connectionStatus ?? 'ERROR');
      } finally {
        transport.close();
      }
    },
  },
  components: [
    defineAction<SendInput, { messageId: string; accepted: string[] }>({
      name: 'send',
      description: 'Send an email from the connection’s sender address.',
      scope: 'WRITE',
      requiredPermissions: ['send'],
      timeoutMs: 30_000,
      inputSchema: {
        $schema: JSON_SCHEMA_2020,
        type: 'object',
        additionalProperties: false,
        required: ['to', 'subject'],
        properties: {
          to: { oneOf: [address, { type: 'array', items: address, minItems: 1, maxItems: 50 }] },
          subject: { type: 'string', maxLength: 998 },
          text: { type: 'string', maxLength: 1_000_000 },
          html: { type: 'string', maxLength: 1_000_000 },
        },
      },
      outputSchema: {
        $schema: JSON_SCHEMA_2020,
        type: 'object',
        required: ['messageId', 'accepted'],
        properties: { messageId: { type: 'string' }, accepted: { type: 'array', items: { type: 'string' } } },
      },
      async run({ input, connection, signal }) {
        const credentials = connection!.credentials as SmtpCredentials;
        const transport = openTransport(credentials, signal);
        try {
          const info = await transport.sendMail({ from: credentials.from, to: input.to, subject: input.subject, text: input.text, html: input.html });
          return { messageId: String(info.messageId), accepted: info.accepted.map(String) };
        } catch (error) {
          const failure = smtpFailure(error, signal);
          throw new ActionError(failure.code, failure.message, failure.connectionStatus ? { connectionStatus: failure.connectionStatus } : {});
        } finally {
          transport.close();
        }
      },
    }),
  ],
});
