// The Editor's live output on the Docker backend (issue 20, item 10): the agent streams a run's
// output as it reads it, so the tap sees it while the run goes on, and a stream over the cap comes
// back as head and tail of the whole output, as on the local backend. Real dockerd, real image.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endLiveOutput, liveOutputTail, recordLiveOutput, withWholeOutput, wholeStream } from "../live-output";
import type { Sandbox } from "../types";
import { DockerBackend } from "./docker";
import { dockerGate } from "./docker-test-gate";

const gate = await dockerGate();

describe.runIf(gate.run)("docker live output (real dockerd)", () => {
  let b: DockerBackend;
  let sb: Sandbox;

  beforeAll(async () => {
    b = new DockerBackend({ poolSize: 0 });
    sb = await b.create({ limits: { timeout_s: 20, max_processes: 64, memory_mb: 256 } }, { sessionId: `live-${process.pid}` });
  });
  afterAll(async () => {
    await sb?.close();
    await b?.shutdown();
  });

  it("output reaches the tap while the run is still going, stdout and stderr apart", async () => {
    const runId = `live-a-${process.pid}`;
    const tap = recordLiveOutput(runId);
    const pieces: { stream: string; text: string }[] = [];
    let first!: () => void;
    const firstChunk = new Promise<"chunk">((resolve) => (first = () => resolve("chunk")));
    const code = 'import sys, time\nfor i in range(3):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.4)\nprint("warn", file=sys.stderr, flush=True)\ntime.sleep(0.6)\n';
    const run = sb.executeTool("python_executor", { code }, {
      onOutput: (stream, chunk) => {
        tap(stream, chunk);
        pieces.push({ stream, text: Buffer.from(chunk).toString() });
        first();
      },
    });
    // Before the agent streamed, output came only with the run's answer: the end won this race.
    expect(await Promise.race([firstChunk, run.then(() => "end" as const)])).toBe("chunk");
    // What the page polls mid-run is what has been written so far.
    expect(liveOutputTail(runId, 1000)?.text).toMatch(/^tick 0\n/);
    const r = await run;
    expect(r.status).toBe("success");
    expect(pieces.filter((p) => p.stream === "stdout").map((p) => p.text).join("")).toBe("tick 0\ntick 1\ntick 2\n");
    expect(pieces.filter((p) => p.stream === "stderr").map((p) => p.text).join("")).toBe("warn\n");
    expect(liveOutputTail(runId, 1000)?.text).toBe("tick 0\ntick 1\ntick 2\nwarn\n");
    endLiveOutput(runId);
  });

  it("a 2 MB line with no spaces comes back as head and tail of the whole output, with the cut said", async () => {
    const runId = `live-b-${process.pid}`;
    const tap = recordLiveOutput(runId);
    const r = await sb.executeTool("python_executor", { code: 'import sys\nsys.stdout.write("HEAD-MARK" + "x" * 2_000_000 + "TAIL-MARK")\n' }, { onOutput: tap });
    expect(r.truncated).toBe(true);
    const whole = wholeStream(runId, "stdout");
    expect(whole?.written).toBe(2_000_018);
    expect(whole?.complete).toBe(true);
    const shown = withWholeOutput(runId, r);
    const cap = shown.output_bytes!.limit;
    expect(shown.stdout!.startsWith("HEAD-MARKxxx")).toBe(true);
    expect(shown.stdout!.endsWith("xxxTAIL-MARK")).toBe(true);
    expect(shown.output_cut?.stdout).toEqual({ at: cap / 2, dropped: 2_000_018 - cap, written: 2_000_018 });
    expect(shown.full_output_url).toBe(`/api/runs/${runId}/output`);
  });
});
