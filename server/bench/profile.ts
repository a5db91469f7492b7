import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  requests: number;
  /** Self time by where the code comes from (a package, Latchkey's src, Node, GC, idle): share of samples and microseconds per request. */
  byOrigin: Share[];
  /** The functions with the most self time. */
  byFunction: Share[];
}

interface Share {
  name: string;
  share: number;
  usPerRequest: number;
}

function originOf(url: string, functionName: string): string {
  if (!url) return functionName || '(anonymous)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/server/src/') || url.includes('/server/bench/.build/')) return 'latchkey server/src';
  if (url.includes('/server/bench/')) return 'bench';
  if (url.startsWith('node:')) return 'node internals';
  return url;
}

function shares(counts: Map<string, number>, total: number, usPerSample: number, requests: number, top: number): Share[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, hits]) => ({ name, share: hits / total, usPerRequest: (hits * usPerSample) / requests }));
}

/**
 * Samples the server's own process with the inspector while `work` runs; writes a .cpuprofile for
 * DevTools and sums self time, also per request (`requestsOf` tells how many `work` served).
 */
export async function profiled<T>(directory: string, name: string, work: () => Promise<T>, requestsOf: (result: T) => number): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let profile: CpuProfile;
  let result: T;
  try {
    result = await work();
  } finally {
    profile = (await session.post('Profiler.stop')).profile as unknown as CpuProfile;
    session.disconnect();
  }
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));

  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const origin = originOf(url, functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + hits);
    const where = url ? ` ${origin === url ? url : origin}:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const usPerSample = (profile.endTime - profile.startTime) / profile.samples.length;
  const requests = Math.max(1, requestsOf(result));
  return { result, summary: { file, requests, byOrigin: shares(byOrigin, total, usPerSample, requests, 12), byFunction: shares(byFunction, total, usPerSample, requests, 20) } };
}
