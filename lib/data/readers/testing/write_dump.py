#!/usr/bin/env python3
"""Write a slime rollout dump with torch.save from samples given as JSON (Python's dialect: NaN
and Infinity read as floats). Usage: write_dump.py SAMPLES.json OUT.pt [ROLLOUT_ID]

Shape as slime/observability/rollout_data_utils.py writes it: {"rollout_id", "samples": [Sample.to_dict()]}.
"""
import json
import os
import sys

import torch

samples = json.load(open(sys.argv[1]))
os.makedirs(os.path.dirname(os.path.abspath(sys.argv[2])), exist_ok=True)
torch.save({"rollout_id": int(sys.argv[3]) if len(sys.argv) > 3 else 0, "samples": samples}, sys.argv[2])
