import "server-only";

// Queue depth for the Traffic header: queues register a gauge, and each recorded call (and each
// stats request) samples the total, kept as the max per second for an hour.

const seriesKeepMs = 60 * 60 * 1000;

export class QueueDepth {
  private gauges = new Map<string, () => number>();
  /** Max queue depth seen per second (key: second since epoch). */
  private samples = new Map<number, number>();

  register(name: string, depth: () => number): void {
    this.gauges.set(name, depth);
  }

  current(): number {
    let total = 0;
    for (const [name, fn] of this.gauges) {
      try {
        const d = fn();
        if (Number.isFinite(d) && d > 0) total += d;
      } catch (e) {
        console.error(`[traffic] queue depth "${name}" failed`, e);
      }
    }
    return total;
  }

  /** Samples the current depth at `now` and returns it. */
  sample(now: number): number {
    const depth = this.current();
    const sec = Math.floor(now / 1000);
    this.samples.set(sec, Math.max(this.samples.get(sec) ?? 0, depth));
    if (this.samples.size > seriesKeepMs / 1000) {
      const minSec = sec - seriesKeepMs / 1000;
      for (const k of this.samples.keys()) if (k < minSec) this.samples.delete(k);
    }
    return depth;
  }

  /** [second since epoch, max depth] pairs. */
  series(): Iterable<[number, number]> {
    return this.samples;
  }
}
