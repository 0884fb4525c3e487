#!/usr/bin/env python3
"""Write real slime-style .pt dumps with torch.save, for the reader tests and the bench.

Shapes follow slime: rollout dumps are torch.save({"rollout_id", "samples": [Sample.to_dict()]})
(slime/observability/rollout_data_utils.py), train dumps are format_version 2 payloads with
"samples" and "dp_shards" (train_data_utils.py). Usage: make_dumps.py OUT_DIR [kind ...]
"""
import collections
import math
import os
import sys

import torch

OUT = sys.argv[1]
KINDS = sys.argv[2:] or ["all"]
os.makedirs(OUT, exist_ok=True)

RESP = "Let me compute.\n<code>\n```python\nprint(2+2)\n```\n</code>\n\n<interpreter>\nOutput:\n4\n</interpreter>\n\nAnswer: \\boxed{4} ≤ 日本 😀"


def sample(i, group, n_resp=6, rollout_id=None, tensors=False):
    prompt_tokens = [151644, 872, 198, 3838, 374, 220, 17, 10, 17, 30]
    resp_tokens = [(i * 7 + k) % 151000 + 1 for k in range(n_resp)]
    tokens = prompt_tokens + resp_tokens
    loss_mask = [1] * n_resp
    if n_resp > 3:
        loss_mask[2] = 0  # an interpreter token
    logp = [-0.5 - 0.01 * k for k in range(n_resp)]
    s = {
        "group_index": group,
        "index": i,
        "rollout_id": rollout_id,
        "prompt": "<|im_start|>user\nWhat is 2+2? (sample %d)<|im_end|>\n<|im_start|>assistant\n" % i,
        "tokens": torch.tensor(tokens, dtype=torch.int64) if tensors else tokens,
        "multimodal_inputs": None,
        "multimodal_train_inputs": None,
        "response": RESP if i % 2 == 0 else "I think it is 5. \\boxed{5}",
        "response_length": n_resp,
        "label": "4",
        "reward": {"score": 1.0 if i % 2 == 0 else 0.0, "acc": i % 2 == 0, "pred": "4" if i % 2 == 0 else "5"},
        "loss_mask": torch.tensor(loss_mask, dtype=torch.int32) if tensors else loss_mask,
        "weight_versions": ["3"],
        "rollout_log_probs": torch.tensor(logp, dtype=torch.float32) if tensors else logp,
        "rollout_routed_experts": None,
        "remove_sample": False,
        "status": "completed" if i % 3 else "truncated",
        "metadata": {"tool_call_count": 1 if i % 2 == 0 else 0},
        "train_metadata": None,
        "session_id": None,
        "non_generation_time": 0.25,
        "spec_info": {"spec_accept_token_num": 0, "spec_draft_token_num": 0, "spec_verify_ct": 0, "completion_token_num": 0},
        "prefix_cache_info": {"cached_tokens": 0, "total_prompt_tokens": 0},
    }
    return s


def rollout_dump(path, rollout_id, n, per_group=4, tensors=False, n_resp=6):
    samples = [sample(i, i // per_group, n_resp=n_resp, tensors=tensors) for i in range(n)]
    torch.save({"rollout_id": rollout_id, "samples": samples}, path)


def train_dump(path, rollout_id, n, dp=2):
    # Per-sample columns as slime's _build_dump_payload writes them: tensors per sample.
    shards = []
    for rank in range(dp):
        idx = [i for i in range(n) if i % dp == rank]
        rd = {
            "tokens": [], "loss_masks": [], "response_lengths": [], "total_lengths": [], "rewards": [],
            "log_probs": [], "ref_log_probs": [], "rollout_log_probs": [], "advantages": [], "returns": [],
            "kl": [], "entropy": [], "sample_indices": idx, "partition": idx,
            "micro_batch_indices": [[0]], "num_microbatches": [1], "global_batch_sizes": [n],
            "raw_reward": [float(i % 2) for i in range(n)],
        }
        for i in idx:
            n_resp = 5 + i % 3
            s = sample(i, i // 4, n_resp=n_resp, tensors=True)
            rlp = s["rollout_log_probs"]
            lp = rlp.clone()
            lp[1] += 0.05 * (i + 1)  # the trainer disagrees on one token, more for later samples
            rd["tokens"].append(s["tokens"])
            rd["loss_masks"].append(s["loss_mask"])
            rd["response_lengths"].append(n_resp)
            rd["total_lengths"].append(len(s["tokens"]))
            rd["rewards"].append(float(i % 2 == 0))
            rd["log_probs"].append(lp)
            rd["ref_log_probs"].append(rlp - 0.01)
            rd["rollout_log_probs"].append(rlp)
            rd["advantages"].append(torch.full((n_resp,), 0.5 if i % 2 == 0 else -0.5))
            rd["returns"].append(torch.full((n_resp,), 0.5 if i % 2 == 0 else -0.5))
            rd["kl"].append((lp - rlp + 0.01).to(torch.float32))
            rd["entropy"].append(torch.linspace(0.1, 1.0, n_resp).to(torch.bfloat16))
        shards.append({"rank": rank, "data_parallel_rank": rank, "rollout_data": rd})
    # The same transposition slime's _build_dump_payload does.
    samples, layout, whole = [], [], {}
    for shard in shards:
        rd = shard["rollout_data"]
        num = len(rd["response_lengths"])
        lay = {"rank": shard["rank"], "data_parallel_rank": shard["data_parallel_rank"],
               "sample_indices": list(rd["sample_indices"]), "partition": list(rd["partition"])}
        cols = {}
        for k, v in rd.items():
            if k in ("sample_indices", "partition"):
                continue
            if k == "raw_reward":
                whole.setdefault(k, v)
            elif k in ("micro_batch_indices", "num_microbatches", "global_batch_sizes") or not (isinstance(v, list) and len(v) == num):
                lay[k] = v
            else:
                cols[k] = v
        for j in range(num):
            d = {"data_parallel_rank": shard["data_parallel_rank"], "sample_index": rd["sample_indices"][j], "rollout_position": rd["partition"][j]}
            for k, c in cols.items():
                d[k] = c[j]
            samples.append(d)
        layout.append(lay)
    samples.sort(key=lambda d: d["rollout_position"])
    torch.save({"format_version": 2, "rollout_id": rollout_id, "rank": 0, "samples": samples, "dp_shards": layout, **whole}, path)


def big_rollout(path, target_mb):
    # A realistic large dump: 4000-token responses with list-valued token, mask and logprob fields,
    # as slime writes them. Each sample gets its own list and string objects (pickle would write a
    # shared object once), copied from one template so writing stays fast.
    n_resp = 4000
    base = sample(0, 0, n_resp=n_resp)
    base["response"] = (RESP + " ") * 40
    per = len(torch.serialization.pickle.dumps(base, protocol=2))
    n = max(1, int(target_mb * 1024 * 1024 / per))
    samples = []
    for i in range(n):
        s = dict(base)
        s["index"], s["group_index"] = i, i // 8
        s["tokens"] = list(base["tokens"])
        s["tokens"][-1] = i % 151000
        s["loss_mask"] = list(base["loss_mask"])
        s["rollout_log_probs"] = [x - i * 1e-6 for x in base["rollout_log_probs"]]
        s["response"] = base["response"] + str(i)
        s["prompt"] = base["prompt"] + str(i)
        s["reward"] = {"score": float(i % 2), "acc": i % 2 == 1, "pred": str(i)}
        s["metadata"] = {"tool_call_count": i % 3}
        samples.append(s)
    torch.save({"rollout_id": 0, "samples": samples}, path)


if "all" in KINDS or "rollout" in KINDS:
    d = os.path.join(OUT, "rollout_data")
    os.makedirs(d, exist_ok=True)
    rollout_dump(os.path.join(d, "0.pt"), 0, 8)
    rollout_dump(os.path.join(d, "1.pt"), 1, 8, tensors=True)
    rollout_dump(os.path.join(d, "eval_1.pt"), 1, 3)
    torch.save({"rollout_id": 5, "samples": []}, os.path.join(OUT, "empty.pt"))
    torch.save({"samples": [sample(i, 0) for i in range(3)]}, os.path.join(OUT, "only_samples.pt"))
    # Legacy slime: the list of sample dicts, pickled without torch.
    import pickle
    with open(os.path.join(OUT, "list.pkl"), "wb") as f:
        pickle.dump([sample(0, 0), sample(1, 0)], f, protocol=4)
    # A truncated dump.
    src = open(os.path.join(d, "0.pt"), "rb").read()
    open(os.path.join(OUT, "truncated.pt"), "wb").write(src[: len(src) * 2 // 3])
    # Legacy (non-zip) torch format.
    torch.save({"rollout_id": 0, "samples": [sample(0, 0, tensors=True)]}, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)
    # A pickle that asks for os.system: must be refused, never run.
    with open(os.path.join(OUT, "evil.pt"), "wb") as f:
        f.write(b"\x80\x02cos\nsystem\nq\x00X\x0b\x00\x00\x00touch pwnedq\x01\x85q\x02Rq\x03.")
    # The same inside a torch zip archive.
    class Evil:
        def __reduce__(self):
            return (os.system, ("touch pwned",))
    torch.save({"rollout_id": 0, "samples": [Evil()]}, os.path.join(OUT, "evil_zip.pt"))
    # Special values and a bfloat16 tensor in a sample.
    s = sample(0, 0, tensors=True)
    s["rollout_log_probs"] = [float("nan"), float("-inf"), -0.25]
    s["teacher_log_probs"] = torch.tensor([-1.5, -0.25, 2.0], dtype=torch.bfloat16)
    s["metadata"] = collections.OrderedDict([("a", 1), ("big", 2**70), ("bytes", b"\x00\x01")])
    torch.save({"rollout_id": 9, "samples": [s]}, os.path.join(OUT, "special.pt"))
    # A non-contiguous view (transpose) and a storage offset.
    base = torch.arange(12, dtype=torch.int64).reshape(3, 4)
    torch.save({"rollout_id": 0, "samples": [{"tokens": base.t()[1], "view": base[1:, 1:]}]}, os.path.join(OUT, "views.pt"))

    # Objects shared across samples (a long prompt string, one list) in a dump longer than one
    # pickle append batch (1000): later samples refer back to memo entries of earlier ones.
    long_prompt = "<|im_start|>user\n" + "A long shared question. " * 400 + "<|im_end|>\n"
    shared_list = list(range(50))
    many = []
    for i in range(2100):
        s = sample(i, i // 8)
        s["prompt"] = long_prompt
        s["metadata"] = {"shared": shared_list, "i": i}
        many.append(s)
    torch.save({"rollout_id": 3, "samples": many}, os.path.join(OUT, "shared.pt"))

if "all" in KINDS or "train" in KINDS:
    d = os.path.join(OUT, "train_data")
    os.makedirs(d, exist_ok=True)
    train_dump(os.path.join(d, "0.pt"), 0, 8)
    train_dump(os.path.join(d, "1.pt"), 1, 6, dp=1)

if "verl" in KINDS or "all" in KINDS:
    import json
    d = os.path.join(OUT, "verl_rollouts")
    os.makedirs(d, exist_ok=True)
    for step in (1, 2, 10):
        with open(os.path.join(d, f"{step}.jsonl"), "w") as f:
            for i in range(4):
                q = i % 2
                f.write(json.dumps({"input": f"user\nQuestion {q}: what is {q}+{q}?\nassistant\n", "output": f"step {step} answer {i}",
                                    "gts": str(2 * q), "score": float((i + step) % 2), "step": step, "acc": bool((i + step) % 2)}, ensure_ascii=False) + "\n")

if "steps" in KINDS:
    # A --dump-details folder over three rollout ids (0, 1, 2): two prompts of 8 samples each per
    # rollout. Prompt 0 gets 2, 4, then 6 right answers; prompt 1 stays at 4 of 8. Responses grow by
    # 2 tokens a step, per-token entropy falls (1.0, 0.75, 0.5) and the trainer's logprobs drift
    # from the rollout's by 0.1, 0.2, 0.3 on every token.
    root = os.path.join(OUT, "steps")
    for sub in ("rollout_data", "train_data"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    for rid in (0, 1, 2):
        n_resp = 4 + 2 * rid
        rollout, shards_rd = [], {k: [] for k in ("tokens", "loss_masks", "response_lengths", "total_lengths", "rewards", "log_probs",
                                                   "rollout_log_probs", "advantages", "entropy")}
        idx = []
        for p in (0, 1):
            prompt = "<|im_start|>user\nQuestion %d: how do steps change me?<|im_end|>\n<|im_start|>assistant\n" % p
            for k in range(8):
                i = p * 8 + k
                right = k < (2 + 2 * rid if p == 0 else 4)
                resp_tokens = [(i * 11 + rid * 5 + t) % 151000 + 1 for t in range(n_resp)]
                tokens = [151644, 872, 198, 3838 + p] + resp_tokens
                rlp = torch.full((n_resp,), -0.5, dtype=torch.float32)
                rollout.append({
                    "group_index": p, "index": i, "prompt": prompt, "tokens": tokens,
                    "response": ("step %d answer %d: \\boxed{%s}" % (rid, k, "ok" if right else "no")),
                    "response_length": n_resp, "label": "ok", "reward": 1.0 if right else 0.0,
                    "loss_mask": [1] * n_resp, "rollout_log_probs": rlp.tolist(), "status": "completed",
                    "metadata": {}, "rollout_id": rid,
                })
                idx.append(i)
                shards_rd["tokens"].append(torch.tensor(tokens))
                shards_rd["loss_masks"].append(torch.ones(n_resp, dtype=torch.int32))
                shards_rd["response_lengths"].append(n_resp)
                shards_rd["total_lengths"].append(len(tokens))
                shards_rd["rewards"].append(1.0 if right else 0.0)
                shards_rd["log_probs"].append(rlp + 0.1 * (rid + 1))
                shards_rd["rollout_log_probs"].append(rlp)
                shards_rd["advantages"].append(torch.full((n_resp,), 0.5 if right else -0.5))
                shards_rd["entropy"].append(torch.full((n_resp,), 1.0 - 0.25 * rid).to(torch.bfloat16))
        torch.save({"rollout_id": rid, "samples": rollout}, os.path.join(root, "rollout_data", "%d.pt" % rid))
        samples = []
        for j, i in enumerate(idx):
            d = {"data_parallel_rank": 0, "sample_index": i, "rollout_position": j}
            for key, col in shards_rd.items():
                d[key] = col[j]
            samples.append(d)
        layout = [{"rank": 0, "data_parallel_rank": 0, "sample_indices": idx, "partition": idx,
                   "micro_batch_indices": [[0]], "num_microbatches": [1], "global_batch_sizes": [len(idx)]}]
        torch.save({"format_version": 2, "rollout_id": rid, "rank": 0, "samples": samples, "dp_shards": layout,
                    "raw_reward": shards_rd["rewards"]}, os.path.join(root, "train_data", "%d.pt" % rid))

if "counting" in KINDS:
    # The corners of counting token lists instead of building them (the index of rollout dumps):
    # lists over one pickle batch (1000) with a lone last item, None and bools and nesting inside,
    # one list object under two keys or shared by two samples, floats, and a sample that is a list.
    shared_tokens = list(range(1200))
    rows = []
    for i in range(14):
        s = sample(i, i // 4, n_resp=1001 + i)
        if i == 1:
            s["loss_mask"] = s["loss_mask"][:-1] + [None]
        if i == 2:
            s["tokens"] = s["tokens"][:500] + [True] + s["tokens"][500:]
        if i == 3:
            s["rollout_log_probs"] = [[0.5, 1.0]] * 3 + [-0.25] * 2000
        if i == 4:
            s["loss_mask"] = s["tokens"]  # one list under two keys
        if i in (5, 6):
            s["tokens"] = shared_tokens  # one list in two samples
        if i == 7:
            s["tokens"] = [2**40 + k for k in range(1500)]  # LONG1 opcodes
        if i == 8:
            s["rollout_log_probs"] = [float("nan"), float("inf")] + [-0.5] * 1500
        if i == 9:
            s["tokens"] = [7]
            s["loss_mask"] = []
        if i == 10:
            s["response"] = s["tokens"]  # the counted list read again as the response
        if i == 11:
            s["metadata"] = {"tokens": list(range(3000)), "tool_call_count": 2}
        if i == 12:
            s["log_probs"] = [-0.5] * 1001  # a train value beside the rollout logprobs
        if i == 13:
            s["tokens"] = (1, 2, 3)
        rows.append(s)
    rows.append([1, 2, 3])
    torch.save({"rollout_id": 4, "samples": rows}, os.path.join(OUT, "counting.pt"))

for k in KINDS:
    if k.startswith("big:"):
        big_rollout(os.path.join(OUT, "big.pt"), float(k.split(":")[1]))

if "all" in KINDS:
    # What torch.load itself reads, as JSON (tensors via tolist(), NaN/inf as null), for the tests.
    import json
    import pickle

    def plain(v):
        if torch.is_tensor(v):
            return plain(v.tolist())
        if isinstance(v, float):
            return v if math.isfinite(v) else None
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, bytes):
            return None
        return v

    refs = os.path.join(OUT, "refs")
    os.makedirs(refs, exist_ok=True)
    for rel in ["rollout_data/0.pt", "rollout_data/1.pt", "rollout_data/eval_1.pt", "train_data/0.pt", "shared.pt", "list.pkl"]:
        src = os.path.join(OUT, rel)
        d = pickle.load(open(src, "rb")) if rel.endswith(".pkl") else torch.load(src, weights_only=False)
        with open(os.path.join(refs, rel.replace("/", "_") + ".json"), "w") as f:
            json.dump(plain(d["samples"] if isinstance(d, dict) else d), f)
