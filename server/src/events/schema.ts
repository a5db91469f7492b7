import { apiKey } from '../access/api-key.js';
import { session } from '../access/directives.js';
import { builder } from '../schema/builder.js';
import { pageSize } from '../schema/pagination.js';
import { TeamRef } from '../teams/schema.js';
import { eventCursor, type StoredEvent } from './log.js';
import { eventOrError, keyEventStream, keyEventsPage, teamEventsPage, teamEventStream } from './service.js';

const TriggerEventRef = builder.objectRef<StoredEvent>('TriggerEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    cursor: t.string({ description: 'Opaque; ordered within the team. Pass it as `after` to continue from this event.', resolve: (event) => eventCursor(event.seq) }),
    triggerId: t.id({ resolve: (event) => event.triggerId }),
    component: t.exposeString('component'),
    occurredAt: t.field({ type: 'DateTime', resolve: (event) => event.occurredAt }),
    payload: t.field({ type: 'JSON', resolve: (event) => event.payload }),
  }),
});

const TriggerEventPageRef = builder.objectRef<{ events: StoredEvent[]; endCursor: string | null; hasMore: boolean }>('TriggerEventPage').implement({
  fields: (t) => ({
    events: t.field({ type: [TriggerEventRef], resolve: (page) => page.events }),
    endCursor: t.exposeString('endCursor', { nullable: true }),
    hasMore: t.exposeBoolean('hasMore'),
  }),
});

builder.objectFields(TeamRef, (t) => ({
  triggerEvents: t.field({
    type: TriggerEventPageRef,
    description: "The team's stored events, newest first. Pass a page's endCursor as `before` for the older ones; filter by trigger and/or component.",
    args: {
      first: t.arg.int({ required: false, defaultValue: 50 }),
      before: t.arg.string({ required: false }),
      triggerId: t.arg.id({ required: false }),
      component: t.arg.string({ required: false }),
    },
    resolve: (team, args, ctx) =>
      teamEventsPage(ctx, team.id, {
        before: args.before ?? null,
        first: pageSize(args.first, ['first'], { fallback: 50, max: 500 }),
        triggerId: args.triggerId ? String(args.triggerId) : null,
        component: args.component ?? null,
      }),
  }),
  eventsStartCursor: t.string({
    description:
      "A cursor before the team's first event. A console that found no stored events passes it as teamEvents(after:), so an event stored meanwhile is replayed rather than missed.",
    resolve: () => eventCursor(0n),
  }),
}));

builder.queryFields((t) => ({
  triggerEvents: t.field({
    type: TriggerEventPageRef,
    description: "This key's stored events after the cursor, oldest first.",
    args: { triggerId: t.arg.id({ required: false }), after: t.arg.string({ required: false }), first: t.arg.int({ required: false, defaultValue: 50 }) },
    ...apiKey('READ'),
    resolve: async (_root, args, ctx) =>
      keyEventsPage(ctx, await ctx.requireApiKey(), {
        triggerId: args.triggerId ? String(args.triggerId) : null,
        after: args.after ?? null,
        first: pageSize(args.first, ['first'], { fallback: 50, max: 500 }),
      }),
  }),
}));

builder.subscriptionFields((t) => ({
  triggerEvents: t.field({
    type: TriggerEventRef,
    description: "Replays this key's events after the cursor in order, then streams new ones: no gap, no duplicate.",
    args: { triggerId: t.arg.id({ required: false }), after: t.arg.string({ required: false }) },
    ...apiKey('READ'),
    subscribe: async (_root, args, ctx) => keyEventStream(ctx, await ctx.requireApiKey(), { triggerId: args.triggerId ? String(args.triggerId) : null, after: args.after ?? null }),
    resolve: eventOrError,
  }),
  teamEvents: t.field({
    type: TriggerEventRef,
    description:
      "Every trigger event of the team, live, for the console. With `after`, first replays the team's events after that cursor in order: no gap, no duplicate. Ends with UNAUTHENTICATED once the session is signed out, FORBIDDEN once the viewer leaves the team.",
    args: { teamId: t.arg.id(), after: t.arg.string({ required: false }) },
    ...session(),
    subscribe: (_root, args, ctx) => teamEventStream(ctx, String(args.teamId), args.after ?? null),
    resolve: eventOrError,
  }),
}));
