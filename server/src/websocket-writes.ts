import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { SubscriptionSink } from './access/context.js';

/**
 * How Latchkey writes to its WebSockets (graphql-ws subscriptions).
 *
 * A fan-out hands one event to a thousand subscribers in one turn of the event loop, often several
 * events at once. Each WebSocket then gets one write at the end of that turn, holding all of its
 * frames: the write itself (a system call, and on a local network the receiving side's work too) is
 * what costs, not the bytes. Subscription results are framed here and gathered per socket in its
 * `Outbox`; what `ws` sends itself (graphql-ws's own messages, pings, the close frame) first flushes
 * the outbox, so frames leave in the order they were sent.
 *
 * This writes text frames to the socket beside `ws`, which is safe because the server never
 * compresses (`perMessageDeflate: false`) and never sends Blobs: `ws` then writes each of its frames
 * synchronously and queues nothing.
 *
 * The frames are put together in one scratch buffer that every socket's flush reuses. A thousand
 * subscribers read every 40 ms would otherwise allocate 25 MB of buffers a second, and V8 answers
 * that much outside-the-heap memory with a full garbage collection about every second (10–30 ms
 * pauses, seen in `pnpm bench`). Reuse is safe only because a write the kernel takes at once is
 * copied before `socket.write` returns; a write that has to wait (the peer is not reading, the
 * socket is corked) keeps a reference to the buffer, which is then left to it and replaced.
 */

/** Beyond this many unsent bytes on a socket, a subscription's results wait for them to leave. */
const SUBSCRIPTION_BUFFER_BYTES = 1024 * 1024;

const SUFFIX = 0x7d; // the closing brace of a graphql-ws message

/** A socket's frames of one turn up to this size are put together in the shared scratch buffer. */
const SCRATCH_BYTES = 64 * 1024;
let scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

/** The `next` messages gathered for one socket during this turn: (prefix, result JSON) pairs. */
class Outbox {
  parts: Buffer[] = [];
  /** Bytes the gathered frames will take, headers included. */
  bytes = 0;
  /** The socket's unsent bytes when this turn's gathering began. */
  unsent = 0;
  open = true;
  corked = false;
  /** In `dirty`: dealt with at the end of this turn. */
  dirty = false;

  constructor(readonly socket: Socket) {}

  /** Writes the gathered frames in one piece. */
  flush(): void {
    const { parts, bytes } = this;
    if (parts.length === 0) return;
    this.parts = [];
    this.bytes = 0;
    if (this.socket.destroyed || !this.socket.writable) return;
    const inScratch = bytes <= SCRATCH_BYTES;
    const out = inScratch ? scratch.subarray(0, bytes) : Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let i = 0; i < parts.length; i += 2) {
      const prefix = parts[i]!;
      const json = parts[i + 1]!;
      const length = prefix.length + json.length + 1;
      out[at++] = 0x81; // final text frame, unmasked (RFC 6455 section 5.2)
      if (length < 126) out[at++] = length;
      else if (length < 65_536) {
        out[at++] = 126;
        at = out.writeUInt16BE(length, at);
      } else {
        out[at++] = 127;
        at = out.writeBigUInt64BE(BigInt(length), at);
      }
      at += prefix.copy(out, at);
      at += json.copy(out, at);
      out[at++] = SUFFIX;
    }
    this.socket.write(out);
    // Bytes still pending after the call include `out`: the socket holds on to it, so the scratch
    // buffer is now the socket's and the next flush gets a new one.
    if (inScratch && this.socket.writableLength > 0) scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  }
}

function frameBytes(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}

/** Outboxes with frames, or corked sockets, to deal with at the end of this turn. */
let dirty: Outbox[] = [];

function endOfTurn(): void {
  const boxes = dirty;
  dirty = [];
  for (const box of boxes) {
    box.dirty = false;
    box.flush();
  }
  for (const box of boxes) {
    if (!box.corked) continue;
    box.corked = false;
    box.socket.uncork();
  }
}

function markDirty(box: Outbox): void {
  if (box.dirty) return;
  if (dirty.length === 0) setImmediate(endOfTurn);
  box.dirty = true;
  dirty.push(box);
}

const outboxes = new WeakMap<WebSocket, Outbox>();

/**
 * Gives `ws` (on `socket`) its outbox: what `ws` sends itself first flushes the outbox, and corks
 * the socket for the rest of the turn, so graphql-ws's messages of one turn also leave in one write.
 */
export function gatherWrites(ws: WebSocket, socket: Socket): void {
  const box = new Outbox(socket);
  outboxes.set(ws, box);
  const before = () => {
    box.flush();
    if (box.corked) return;
    markDirty(box);
    box.corked = true;
    socket.cork();
  };
  const send = ws.send.bind(ws);
  const ping = ws.ping.bind(ws);
  const close = ws.close.bind(ws);
  ws.send = ((...args: Parameters<typeof send>) => {
    before();
    return send(...args);
  }) as typeof ws.send;
  ws.ping = ((...args: Parameters<typeof ping>) => {
    before();
    return ping(...args);
  }) as typeof ws.ping;
  ws.close = ((...args: Parameters<typeof close>) => {
    box.flush();
    box.open = false;
    return close(...args);
  }) as typeof ws.close;
  ws.once('close', () => {
    box.open = false;
    box.parts = [];
    box.bytes = 0;
  });
}

/** graphql-ws `next` messages for subscription `id` on `ws`, framed here and gathered per turn. */
export function subscriptionSink(ws: WebSocket, id: string): SubscriptionSink {
  const box = outboxes.get(ws);
  if (!box) throw new Error('subscriptionSink: the WebSocket was not set up with gatherWrites');
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const gather = (resultJson: Buffer): boolean => {
    if (box.parts.length === 0) {
      box.unsent = ws.bufferedAmount;
      if (box.unsent >= SUBSCRIPTION_BUFFER_BYTES) return false;
      markDirty(box);
    } else if (box.unsent + box.bytes >= SUBSCRIPTION_BUFFER_BYTES) return false;
    box.parts.push(prefix, resultJson);
    box.bytes += frameBytes(prefix.length + resultJson.length + 1);
    return true;
  };
  return {
    offer(resultJson) {
      // A closed socket takes everything: graphql-ws ends the subscription when it notices.
      return !box.open || ws.readyState !== WebSocket.OPEN || gather(resultJson);
    },
    send(resultJson) {
      if (!box.open || ws.readyState !== WebSocket.OPEN || gather(resultJson)) return undefined;
      // Full: send through ws (which flushes what was gathered first) and wait for it to leave.
      return new Promise<void>((resolve) => ws.send(Buffer.concat([prefix, resultJson, Buffer.of(SUFFIX)]), { binary: false }, () => resolve()));
    },
  };
}
