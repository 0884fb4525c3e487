// Process-wide singletons that survive Next's dev-mode module reloads (the module is re-evaluated,
// globalThis is not). One naming scheme: Symbol.for("rollout-playground:<name>").

export function globalStore<T>(name: string, init: () => T): T {
  const key = Symbol.for(`rollout-playground:${name}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  let value = g[key];
  if (value === undefined) {
    value = init();
    g[key] = value;
  }
  return value;
}
