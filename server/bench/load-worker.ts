import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { LoadWindow, WindowResult, WorkerReply, WorkerRequest } from './load.js';

// autocannon's own latency histogram has 1 ms resolution: these record microseconds, per target.
const latencies = new Map<string, RecordableHistogram>();

function run(window: LoadWindow): Promise<WindowResult> {
  const histogram = latencies.get(window.target) ?? createHistogram();
  latencies.set(window.target, histogram);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const options = {
      url: `${window.url}/graphql`,
      method: 'POST' as const,
      headers: window.headers,
      body: window.body,
      expectBody: window.expectBody,
      connections: window.connections,
      duration: window.seconds,
    };
    const instance = autocannon(options, (error, result) => {
      if (error) return reject(error);
      const cpu = process.cpuUsage(cpuBefore);
      resolve({
        ok: result['2xx'] - result.mismatches,
        responses: result['2xx'] + result.non2xx,
        seconds: (performance.now() - started) / 1000,
        non2xx: result.non2xx,
        mismatches: result.mismatches,
        errors: result.errors,
        timeouts: result.timeouts,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    });
    if (window.record) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) histogram.record(Math.max(1, Math.round(responseTime * 1000)));
      });
    }
  });
}

process.on('message', (request: WorkerRequest) => {
  const reply = (message: WorkerReply) => process.send!(message);
  if (request.kind === 'latency') {
    const histogram = latencies.get(request.target);
    const ms = (us: number) => us / 1000;
    return reply({ id: request.id, kind: 'latency', latency: { p50Ms: ms(histogram?.percentile(50) ?? 0), p99Ms: ms(histogram?.percentile(99) ?? 0), maxMs: ms(histogram?.max ?? 0) } });
  }
  run(request.window).then(
    (result) => reply({ id: request.id, kind: 'ran', result }),
    (error: unknown) => reply({ id: request.id, kind: 'failed', message: String(error) }),
  );
});
// The parent is done (or gone): nothing more to do.
process.on('disconnect', () => process.exit(0));
