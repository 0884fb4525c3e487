import { renderToStaticMarkup } from "react-dom/server";
import { expect, it } from "vitest";
import { StatusBar } from "./status-bar";

it("names each backend's isolation level when it can run, and the backend when it cannot", () => {
  const out = renderToStaticMarkup(
    <StatusBar
      version="0"
      backends={[
        { backend: "local", available: true, isolated: true, isolation: "local · bwrap" },
        { backend: "docker", available: true, isolated: true, isolation: "docker · gVisor" },
      ]}
    />,
  );
  expect(out).toMatch(/data-testid="backend-isolation-local"[^>]*>local · bwrap</);
  expect(out).toMatch(/data-testid="backend-isolation-docker"[^>]*>docker · gVisor</);
  const down = renderToStaticMarkup(<StatusBar version="0" backends={[{ backend: "docker", available: false, isolated: false, reason: "PLAYGROUND_DOCKER_RUNTIME=runsc, but dockerd has no runsc runtime" }]} />);
  expect(down).toMatch(/data-testid="backend-isolation-docker"[^>]*>docker</);
  expect(down).toContain("unavailable");
  expect(down).toContain("no runsc runtime");
});
