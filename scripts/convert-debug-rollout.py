#!/usr/bin/env python3
"""Convert slime --save-debug-rollout-data dumps to JSON Lines for the Inspect page.

slime writes each rollout with torch.save(dict(rollout_id=..., samples=[sample.to_dict(), ...])).
Older versions pickled the list of sample dicts directly. Both are read here; each sample
becomes one JSON line, with `rollout_id` added when the dump has one.

Reading a torch.save file needs PyTorch (`pip install torch`; the CPU build is enough). Loading
a pickle can run code: convert only dumps you trust. Plain pickles without tensors are read with
the standard library alone. The playground also opens .pt dumps natively (no Python needed):
Inspect, and `npm run --silent cli -- read FILE`.

Usage:
  python3 scripts/convert-debug-rollout.py rollout_data_0.pt [more.pt ...] -o rollouts.jsonl
  python3 scripts/convert-debug-rollout.py 'dumps/rollout_data_*.pt' > rollouts.jsonl
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import enum
import glob
import json
import math
import pickle
import sys
import zipfile
from typing import Any, Iterable

TORCH_HINT = (
    "this file was written by torch.save and needs PyTorch to be read: "
    "install it (pip install torch --index-url https://download.pytorch.org/whl/cpu) and run again"
)


class ConvertError(Exception):
    pass


class Stats:
    def __init__(self) -> None:
        self.nonfinite = 0


def load_dump(path: str) -> Any:
    # torch.save's default format is a zip archive; anything else is tried as a plain pickle.
    if zipfile.is_zipfile(path):
        try:
            import torch  # type: ignore
        except ImportError as e:
            raise ConvertError(f"{path}: {TORCH_HINT}") from e
        try:
            # A full torch.load (it can run pickle code): use it on your own dumps only. The playground
            # reads .pt dumps natively with a safe loader (Inspect, `cli read`); torch 1.13's own safe
            # loader (weights_only=True) cannot read floats, which every dump has.
            return torch.load(path, map_location="cpu", weights_only=False)
        except Exception as e:  # torch raises RuntimeError for archives it cannot read
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ConvertError(f"{path}: torch could not read this file ({first})") from e
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except ModuleNotFoundError as e:
        if e.name and e.name.split(".")[0] == "torch":
            raise ConvertError(f"{path}: {TORCH_HINT}") from e
        raise ConvertError(f"{path}: the pickle refers to module {e.name!r}, which is not installed") from e
    except (pickle.UnpicklingError, EOFError, ValueError) as e:
        raise ConvertError(f"{path}: not a slime debug rollout dump ({e})") from e


def to_jsonable(v: Any, stats: Stats) -> Any:
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        if math.isfinite(v):
            return v
        stats.nonfinite += 1
        return None
    if isinstance(v, enum.Enum):
        return to_jsonable(v.value, stats)
    if isinstance(v, dict):
        return {str(k): to_jsonable(x, stats) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset)):
        return [to_jsonable(x, stats) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode("ascii")
    # torch tensors and numpy arrays/scalars, without importing either.
    if hasattr(v, "tolist") and callable(v.tolist):
        if hasattr(v, "detach"):
            v = v.detach().cpu()
        return to_jsonable(v.tolist(), stats)
    if hasattr(v, "item") and callable(v.item):
        return to_jsonable(v.item(), stats)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return to_jsonable(dataclasses.asdict(v), stats)
    if hasattr(v, "to_dict") and callable(v.to_dict):
        return to_jsonable(v.to_dict(), stats)
    if hasattr(v, "__dict__"):
        return to_jsonable(vars(v), stats)
    return repr(v)


def samples_of(data: Any, path: str) -> Iterable[dict[str, Any]]:
    rollout_id = None
    if isinstance(data, dict) and "samples" in data:
        rollout_id = data.get("rollout_id")
        samples = data["samples"]
    elif isinstance(data, list):
        samples = data
    else:
        raise ConvertError(f"{path}: expected a dict with 'samples' or a list of samples, got {type(data).__name__}")
    if not isinstance(samples, list):
        raise ConvertError(f"{path}: 'samples' is a {type(samples).__name__}, not a list")
    for i, s in enumerate(samples):
        if not isinstance(s, dict):
            if hasattr(s, "to_dict") and callable(s.to_dict):
                s = s.to_dict()
            else:
                raise ConvertError(f"{path}: sample {i} is a {type(s).__name__}, not a dict")
        if rollout_id is not None and "rollout_id" not in s:
            s = {"rollout_id": rollout_id, **s}
        yield s


def expand(patterns: list[str]) -> list[str]:
    paths: list[str] = []
    for p in patterns:
        matches = sorted(glob.glob(p)) if any(c in p for c in "*?[") else [p]
        if not matches:
            raise ConvertError(f"{p}: no file matches")
        paths.extend(matches)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="convert-debug-rollout.py",
        description="Convert slime --save-debug-rollout-data files (torch.save / pickle) to JSON Lines.",
    )
    ap.add_argument("inputs", nargs="+", help="dump files or glob patterns (quote them), e.g. 'rollout_data_*.pt'")
    ap.add_argument("-o", "--output", help="output .jsonl file (default: stdout)")
    args = ap.parse_args(argv)

    stats = Stats()
    count = 0
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        paths = expand(args.inputs)
        for path in paths:
            try:
                data = load_dump(path)
            except FileNotFoundError:
                raise ConvertError(f"{path}: no such file")
            for s in samples_of(data, path):
                out.write(json.dumps(to_jsonable(s, stats), ensure_ascii=False, allow_nan=False))
                out.write("\n")
                count += 1
    except ConvertError as e:
        print(f"convert-debug-rollout: {e}", file=sys.stderr)
        return 1
    finally:
        if out is not sys.stdout:
            out.close()
    note = f"; {stats.nonfinite} NaN/inf values written as null" if stats.nonfinite else ""
    print(f"convert-debug-rollout: wrote {count} samples from {len(paths)} file(s){note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
