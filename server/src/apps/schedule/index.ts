import { defineApp, defineTrigger, type JsonSchema, JSON_SCHEMA_2020 } from '../../catalog/define.js';


/** At most 31 days between fires. */
export const MAX_INTERVAL_SECONDS = 31 * 24 * 60 * 60;

export interface IntervalConfig {
  seconds: number;
}

const inputSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  additionalProperties: false,
  required: ['seconds'],
  properties: {
    seconds: { type: 'integer', minimum: 1, maximum: MAX_INTERVAL_SECONDS, description: 'Seconds between fires (1 to 31 days). The first fire is one interval after registration.' },
  },
};

const outputSchema: JsonSchema = {
  $schema: JSON_SCHEMA_2020,
  type: 'object',
  additionalProperties: false,
  required: ['firedAt', 'scheduledFor', 'seconds'],
  properties: {
    firedAt: { type: 'string', format: 'date-time', description: 'When the event was produced.' },
    scheduledFor: { type: 'string', format: 'date-time', description: 'The slot this event is for; one event per slot.' },
    seconds: { type: 'integer', description: 'The interval of the trigger.' },
  },
};

export const schedule = defineApp({
  key: 'schedule',
  name: 'Schedule',
  description: 'Fire events on a fixed interval.',
  needsConnection: false,
  components: [
    defineTrigger({
      name: 'interval',
      description: 'Fires every `seconds` seconds, once per interval however many server instances run. After downtime it fires once and resumes at the next slot, without catching up on the missed ones.',
      scope: 'READ',
      inputSchema,
      outputSchema,
    }),
  ],
});
