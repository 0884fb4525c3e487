import { describe, expect, it } from "vitest";
import { BoundedQueue } from "./queue";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("BoundedQueue", () => {
  it("runs at most max jobs at once, in arrival order", async () => {
    const q = new BoundedQueue({ name: "t", max: 2, timeoutMs: 10_000 });
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const all = gates.map((g, i) =>
      q.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
    expect(q.stats()).toMatchObject({ running: 2, waiting: 3 });
    for (const g of gates) g.resolve();
    const results = await Promise.all(all);
    expect(results.map((r) => (r.ok ? r.value.value : -1))).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it("waiters are served earliest deadline first: a short budget passes longer ones, no budget keeps arrival order", async () => {
    const q = new BoundedQueue({ name: "t", max: 1, timeoutMs: 60_000 });
    const gate = deferred();
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
      if (name === "blocker") await gate.promise;
    };
    const blocker = q.run(job("blocker"));
    // As verl's client budgets them: run_timeout 10 (30 s), none (the queue timeout), run_timeout 1 (12 s).
    const waiting = [q.run(job("long"), { budgetMs: 30_000 }), q.run(job("plain-1")), q.run(job("short"), { budgetMs: 12_000 }), q.run(job("plain-2"))];
    expect(q.stats()).toMatchObject({ running: 1, waiting: 4 });
    gate.resolve();
    await Promise.all([blocker, ...waiting]);
    expect(order).toEqual(["blocker", "short", "long", "plain-1", "plain-2"]);
  });

  it("a job that waits past the timeout fails with timeout:queue (HTTP 504) and never runs", async () => {
    const q = new BoundedQueue({ name: "docker", max: 1, timeoutMs: 50 });
    const gate = deferred();
    const first = q.run(() => gate.promise);
    let ran = false;
    const second = await q.run(async () => {
      ran = true;
    });
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.code).toBe("timeout:queue");
      expect(second.error.message).toMatch(/PLAYGROUND_API_CONCURRENCY_DOCKER/);
    }
    expect(ran).toBe(false);
    expect(q.stats()).toMatchObject({ waiting: 0, timedOut: 1 });
    gate.resolve();
    expect((await first).ok).toBe(true);
    // The slot is free again.
    expect((await q.run(async () => 7)).ok).toBe(true);
  });

  it("an aborted waiter leaves the queue; a thrown job frees its slot", async () => {
    const q = new BoundedQueue({ name: "t", max: 1, timeoutMs: 10_000 });
    const gate = deferred();
    const first = q.run(() => gate.promise);
    const ctl = new AbortController();
    const waiting = q.run(async () => 1, { signal: ctl.signal });
    ctl.abort();
    const r = await waiting;
    expect(r.ok ? "ran" : r.error.code).toBe("bad_request:cancelled");
    expect(q.stats().waiting).toBe(0);
    gate.resolve();
    await first;
    await expect(q.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(q.stats().running).toBe(0);
  });

  it("raising max admits waiting jobs at once", async () => {
    const q = new BoundedQueue({ name: "t", max: 1, timeoutMs: 10_000 });
    const gate = deferred();
    const a = q.run(() => gate.promise);
    let bStarted = false;
    const b = q.run(async () => {
      bStarted = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(bStarted).toBe(false);
    q.configure({ max: 2 });
    await b;
    expect(bStarted).toBe(true);
    gate.resolve();
    await a;
  });
});
