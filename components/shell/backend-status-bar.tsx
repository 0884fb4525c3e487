import "server-only";
import pkg from "@/package.json";
import { StatusBar } from "./status-bar";

/** Status bar with the app version. Backend availability is wired in once lib/sandbox/registry lands. */
export async function BackendStatusBar() {
  return <StatusBar backends={[]} version={pkg.version} />;
}
