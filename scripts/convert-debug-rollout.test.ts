import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "@/lib/data/dataset";
import { torchPython } from "@/lib/data/readers/testing/torch-python";

// Runs the real script with a python3 that has PyTorch when there is one (Debian's python3-torch),
// so real torch.save dumps are converted; without it, the torch.save (zip) format is covered by
// its error path only and plain pickles cover the conversion itself.
const script = path.resolve(__dirname, "convert-debug-rollout.py");
const python = torchPython() ?? process.env.PLAYGROUND_PYTHON ?? "python3";
let dir: string;
const hasTorch = spawnSync(python, ["-c", "import torch"]).status === 0;

function py(code: string): void {
  const r = spawnSync(python, ["-c", code], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
}
function convert(...args: string[]) {
  return spawnSync(python, [script, ...args], { cwd: dir, encoding: "utf8" });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "convert-rollout-"));
  py(`
import pickle, http
sample = lambda i: {"group_index": i // 2, "index": i, "prompt": "What is 2+2?", "tokens": (1, 2, 3, 4),
  "response": "<code>\\nprint(2+2)\\n</code>\\n\\n<interpreter>\\nOutput:\\n4\\n</interpreter>\\n\\nAnswer: \\\\boxed{4}",
  "response_length": 2, "label": "4", "reward": {"score": 1.0, "acc": True, "pred": "4"}, "loss_mask": [1, 1],
  "rollout_log_probs": [-0.5, float("nan")], "status": "completed", "metadata": {"code": http.HTTPStatus.OK}, "raw": b"\\x00\\x01"}
pickle.dump({"rollout_id": 7, "samples": [sample(0), sample(1), sample(2)]}, open("new.pt", "wb"))
pickle.dump([sample(3)], open("old.pkl", "wb"))
open("torchref.pt", "wb").write(b"\\x80\\x02ctorch._utils\\n_rebuild_tensor_v2\\nq\\x00.")
import zipfile
with zipfile.ZipFile("zipped.pt", "w") as z: z.writestr("archive/data.pkl", b"x")
pickle.dump({"no": "samples"}, open("weird.pt", "wb"))
`);
  if (hasTorch)
    py(`
import torch
s = {"index": 0, "group_index": 0, "prompt": "p", "response": "r", "tokens": torch.tensor([1, 2, 3], dtype=torch.int64),
     "loss_mask": torch.tensor([1, 0], dtype=torch.int32), "rollout_log_probs": torch.tensor([-0.5, -0.25], dtype=torch.bfloat16),
     "status": "completed", "reward": 1.0}
torch.save({"rollout_id": 3, "samples": [s]}, "tensors.pt")
`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("convert-debug-rollout.py", () => {
  it("converts the {rollout_id, samples} dump and the older list form to JSONL", () => {
    const r = convert("new.pt", "old.pkl", "-o", "out.jsonl");
    expect(r.stderr).toContain("wrote 4 samples from 2 file(s); 4 NaN/inf values written as null");
    expect(r.status).toBe(0);
    const lines = fs.readFileSync(path.join(dir, "out.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ rollout_id: 7, index: 0, tokens: [1, 2, 3, 4], rollout_log_probs: [-0.5, null], metadata: { code: 200 }, raw: "AAE=" });
    expect(lines[3].rollout_id).toBeUndefined();
    expect(lines[3].index).toBe(3);
  });

  it("expands quoted globs", () => {
    const r = convert("*.pkl");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(convert("nothing-*.pt").stderr).toContain("no file matches");
  });

  it("produces a file the Inspect indexer reads as slime samples", async () => {
    convert("new.pt", "-o", "for-inspect.jsonl");
    const file = path.join(dir, "for-inspect.jsonl");
    const ds = new Dataset({ id: "c", name: "for-inspect.jsonl", source: "x", path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 1e6, textCachePath: path.join(dir, "c.txt"), searchTimeoutMs: 10_000 });
    await ds.ready;
    expect(ds.info()).toMatchObject({ detected: "slime", rows: 3, problems: 0, has_tokens: true });
    expect((await ds.sample(1)).sample).toMatchObject({ reward: 1, acc: true, group_index: 0, tool_call_count: 1 });
  });

  it("explains what is needed for torch-only dumps", () => {
    const r = convert("torchref.pt");
    expect(r.status).toBe(1);
    if (hasTorch) {
      // With torch, the pickle loads (it is just a function), and is not a dump.
      expect(r.stderr).toContain("torchref.pt: expected a dict with 'samples' or a list of samples, got function");
      const z = convert("zipped.pt");
      expect(z.status).toBe(1);
      expect(z.stderr).toMatch(/zipped\.pt: torch could not read this file/);
    } else {
      expect(r.stderr).toMatch(/torchref\.pt: this file was written by torch\.save and needs PyTorch/);
      expect(convert("zipped.pt").stderr).toMatch(/zipped\.pt: this file was written by torch\.save and needs PyTorch/);
    }
  });

  it.runIf(hasTorch)("converts real torch.save dumps with tensors (int64, int32, bfloat16)", () => {
    const r = convert("tensors.pt");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rollout_id: 3, tokens: [1, 2, 3], loss_mask: [1, 0], rollout_log_probs: [-0.5, -0.25] });
  });

  it("rejects bad arguments and files that are not dumps", () => {
    expect(convert("--help").status).toBe(0);
    const none = convert();
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("the following arguments are required: inputs");
    expect(convert("missing.pt").stderr).toContain("missing.pt: no such file");
    expect(convert("weird.pt").stderr).toContain("expected a dict with 'samples' or a list of samples");
    fs.writeFileSync(path.join(dir, "text.pt"), "hello");
    expect(convert("text.pt").stderr).toContain("not a slime debug rollout dump");
  });
});
