/**
 * Slows down password guessing: after `max` failed sign-ins within `window` seconds for one email
 * from one address (or 4 × `max` from one address across emails), sign-in answers 429 until the
 * oldest failure leaves the window. Successful sign-ins are not counted.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();
  private static readonly MAX_KEYS = 50_000;

  constructor(private readonly limits: { window: number; max: number }) {}

  private keys(ip: string, email: string): [string, number][] {
    return [
      [`${ip}|${email.trim().toLowerCase()}`, this.limits.max],
      [ip, this.limits.max * 4],
    ];
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.limits.window * 1000;
    const times = (this.failures.get(key) ?? []).filter((time) => time > since);
    if (times.length > 0) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  /** Seconds to wait before trying again, or 0 when a sign-in may be attempted now. */
  retryAfter(ip: string, email: string, now = Date.now()): number {
    let wait = 0;
    for (const [key, max] of this.keys(ip, email)) {
      const times = this.recent(key, now);
      if (times.length >= max) wait = Math.max(wait, Math.ceil((times[0]! + this.limits.window * 1000 - now) / 1000));
    }
    return wait;
  }

  recordFailure(ip: string, email: string, now = Date.now()): void {
    for (const [key] of this.keys(ip, email)) {
      if (!this.failures.has(key) && this.failures.size >= SignInThrottle.MAX_KEYS) {
        this.failures.delete(this.failures.keys().next().value!);
      }
      this.failures.set(key, [...this.recent(key, now), now]);
    }
  }
}
