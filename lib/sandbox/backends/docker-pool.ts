import "server-only";
import type { Box } from "./docker-box";

// The warm pool: started containers waiting for a session, so creating one costs a hand-over
// instead of a container start. Sessions that arrive while a fill is under way wait for it.

export class WarmPool {
  private ready: Box[] = [];
  private filling = 0;
  /** Sessions waiting for a pool container that is still starting. */
  private waiters: ((box: Box | undefined) => void)[] = [];
  private closed = false;
  private refillTimer: NodeJS.Timeout | undefined;

  /**
   * refillDelayMs: after a hand-over from a ready pool, start the replacement this much later, so
   * the new container's start (create, start, agent boot: CPU for dockerd, runc and python) does
   * not compete with the first calls to the one just handed over. A take that finds the pool empty
   * refills at once.
   */
  constructor(
    readonly size: number,
    private startOne: () => Promise<Box>,
    private destroy: (box: Box) => Promise<void>,
    private refillDelayMs = 0,
  ) {}

  get count(): number {
    return this.ready.length;
  }

  ids(): string[] {
    return this.ready.map((b) => b.id);
  }

  /** A live pool container (or the next one a running fill produces), refilling behind it; undefined when none comes. */
  async take(): Promise<Box | undefined> {
    const box = this.takeReady();
    if (box && this.refillDelayMs > 0) {
      this.refillTimer ??= setTimeout(() => {
        this.refillTimer = undefined;
        this.refill();
      }, this.refillDelayMs);
      this.refillTimer.unref?.();
      return box;
    }
    this.refill();
    if (box) return box;
    return this.filling > this.waiters.length ? new Promise((resolve) => this.waiters.push(resolve)) : undefined;
  }

  private takeReady(): Box | undefined {
    while (this.ready.length) {
      const box = this.ready.shift()!;
      if (box.agent.alive) return box;
      void this.destroy(box);
    }
    return undefined;
  }

  /** Starts pool containers in the background until the pool is full. */
  refill(): void {
    if (this.closed) return;
    while (this.ready.length + this.filling < this.size) {
      this.filling++;
      this.startOne()
        .then((box) => {
          const waiter = this.waiters.shift();
          if (waiter) waiter(box);
          else if (this.closed) void this.destroy(box);
          else this.ready.push(box);
        })
        .catch((e) => {
          this.waiters.shift()?.(undefined);
          if (!this.closed) console.error(`[docker] pool refill failed: ${e instanceof Error ? e.message : String(e)}`);
        })
        .finally(() => {
          this.filling--;
        });
      // A failing daemon must not spin: refill again only on the next acquire.
      if (this.filling > this.size * 2) break;
    }
  }

  /** Waits until the pool holds `n` ready containers (tests and benchmarks). */
  async warm(n = this.size): Promise<void> {
    this.refill();
    const deadline = Date.now() + 120_000;
    while (this.ready.length < Math.min(n, this.size)) {
      if (Date.now() > deadline) throw new Error("The warm pool did not fill within 120 s.");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** No more fills; hands back the ready containers for the caller to destroy. */
  close(): Box[] {
    this.closed = true;
    clearTimeout(this.refillTimer);
    return this.ready.splice(0);
  }
}
