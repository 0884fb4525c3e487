// The worker side of pool.ts: answer each task with the handler's result (or its error message).
import { parentPort, type Transferable } from "node:worker_threads";

/**
 * `transfer` names buffers of the result to move to the caller instead of copying them (a buffer
 * moved is no longer usable here, so the handler must not keep it).
 */
export function serve<Task, Result>(handler: (task: Task) => Result | Promise<Result>, transfer?: (result: Result) => Transferable[]): void {
  const port = parentPort;
  if (!port) throw new Error("serve() must run in a worker thread");
  port.on("message", async (m: { id: number; task: Task }) => {
    try {
      const result = await handler(m.task);
      port.postMessage({ id: m.id, result }, transfer?.(result) ?? []);
    } catch (e) {
      port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
