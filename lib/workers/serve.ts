// The worker side of pool.ts: answer each task with the handler's result (or its error message).
import { parentPort } from "node:worker_threads";

export function serve<Task, Result>(handler: (task: Task) => Result | Promise<Result>): void {
  const port = parentPort;
  if (!port) throw new Error("serve() must run in a worker thread");
  port.on("message", async (m: { id: number; task: Task }) => {
    try {
      const result = await handler(m.task);
      port.postMessage({ id: m.id, result });
    } catch (e) {
      port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
