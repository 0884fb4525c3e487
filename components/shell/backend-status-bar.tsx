import "server-only";
import pkg from "@/package.json";
import { backendStatuses } from "@/lib/sandbox/registry";
import { StatusBar } from "./status-bar";

/** The shell's status bar: sandbox backends as they are right now, and the app version. */
export async function BackendStatusBar() {
  const backends = await backendStatuses();
  return <StatusBar backends={backends} version={pkg.version} />;
}
