import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One window of load against one target. */
export interface LoadWindow {
  /** Latencies are kept per target name across windows. */
  target: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Every response must be exactly this body; any other counts as a mismatch. */
  expectBody: string;
  connections: number;
  seconds: number;
  /** False for warm-up: its latencies are not kept. */
  record: boolean;
}

export interface WindowResult {
  /** Responses that were 2xx with the expected body. */
  ok: number;
  /** Every response received. */
  responses: number;
  seconds: number;
  non2xx: number;
  mismatches: number;
  errors: number;
  timeouts: number;
  /** CPU time the load generator spent on this window. */
  cpuSeconds: number;
}

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

type WorkerAsk = { kind: 'run'; window: LoadWindow } | { kind: 'latency'; target: string };
export type WorkerRequest = WorkerAsk & { id: number };
export type WorkerReply = { id: number; kind: 'ran'; result: WindowResult } | { id: number; kind: 'latency'; latency: Latency } | { id: number; kind: 'failed'; message: string };

/** autocannon in its own process, so the load generator does not share the server's event loop. */
export class LoadGenerator {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'failed') waiter?.reject(new Error(`load generator: ${reply.message}`));
      else waiter?.resolve(reply);
    });
    child.once('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the load generator exited with code ${code}`));
      this.pending.clear();
    });
  }

  static start(): LoadGenerator {
    return new LoadGenerator(fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  private ask(request: WorkerAsk): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }

  async run(window: LoadWindow): Promise<WindowResult> {
    return ((await this.ask({ kind: 'run', window })) as Extract<WorkerReply, { kind: 'ran' }>).result;
  }

  async latency(target: string): Promise<Latency> {
    return ((await this.ask({ kind: 'latency', target })) as Extract<WorkerReply, { kind: 'latency' }>).latency;
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}
