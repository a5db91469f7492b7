import { createHistogram } from 'node:perf_hooks';
import type { KeyVerifier } from '../src/keys/verifier.js';

export interface VerifierResult {
  calls: number;
  verificationsPerSecond: number;
  /** Per-call time of a cached verify(), timer included (so slightly pessimistic). */
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** What the timer alone costs, to read the per-call figures against. */
  timerOverheadMs: number;
}

async function verifyOk(verifier: KeyVerifier, key: string): Promise<void> {
  const result = await verifier.verify(key);
  if (!result.ok) throw new Error(`the bench key did not verify: ${result.reason}`);
}

/**
 * Cached `verify()` on the main thread with nothing else running: first as many calls as fit in
 * `seconds` (throughput), then each call timed on its own (what verification adds to a request).
 */
export async function benchVerifier(verifier: KeyVerifier, key: string, seconds: number): Promise<VerifierResult> {
  // Warm-up: fills the cache (one database read) and lets the JIT optimise the hot path.
  for (let i = 0; i < 50_000; i++) await verifyOk(verifier, key);

  let calls = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) await verifyOk(verifier, key);
    calls += 1000;
  }
  const elapsed = (performance.now() - started) / 1000;

  const timer = createHistogram();
  for (let i = 0; i < 100_000; i++) {
    const start = process.hrtime.bigint();
    timer.record(Math.max(1, Number(process.hrtime.bigint() - start)));
  }
  const perCall = createHistogram();
  const timedUntil = performance.now() + (seconds / 2) * 1000;
  while (performance.now() < timedUntil) {
    for (let i = 0; i < 1000; i++) {
      const start = process.hrtime.bigint();
      await verifyOk(verifier, key);
      perCall.record(Math.max(1, Number(process.hrtime.bigint() - start)));
    }
  }

  const ms = (ns: number) => ns / 1e6;
  return {
    calls,
    verificationsPerSecond: calls / elapsed,
    p50Ms: ms(perCall.percentile(50)),
    p99Ms: ms(perCall.percentile(99)),
    p999Ms: ms(perCall.percentile(99.9)),
    maxMs: ms(perCall.max),
    timerOverheadMs: ms(timer.percentile(50)),
  };
}

export interface InServerVerifyResult {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/**
 * Times every `verify()` the running server makes while `work` runs. A cached hit does all its work
 * before it returns its (settled) promise, so the synchronous part is what it adds to a request;
 * timing until the caller resumes would add whatever other requests queued meanwhile.
 */
export async function timeVerifyInServer<T>(verifier: KeyVerifier, work: () => Promise<T>): Promise<{ result: T; verify: InServerVerifyResult }> {
  const histogram = createHistogram();
  const original = verifier.verify;
  verifier.verify = function (this: KeyVerifier, ...args: Parameters<KeyVerifier['verify']>) {
    const start = process.hrtime.bigint();
    const verification = original.apply(this, args);
    histogram.record(Math.max(1, Number(process.hrtime.bigint() - start)));
    return verification;
  };
  try {
    const result = await work();
    const ms = (ns: number) => ns / 1e6;
    return { result, verify: { calls: histogram.count, p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), p999Ms: ms(histogram.percentile(99.9)), maxMs: ms(histogram.max) } };
  } finally {
    // Back to the prototype's method.
    delete (verifier as Partial<KeyVerifier>).verify;
  }
}
