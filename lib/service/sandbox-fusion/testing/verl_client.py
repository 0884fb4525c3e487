"""A verl-style SandboxFusion client (Debian's python3-requests), for the API tests.

It sends exactly the payload verl's sandbox_fusion reward sends (verl/utils/reward_score/
sandbox_fusion/utils.py: call_sandbox_api) with its headers and 504 retry, many cases at once from
a thread pool, and classifies each answer the way verl's _process_single_case does:
True (stdout matches after stripping trailing newlines), False (wrong answer), -2 runtime error,
-3 timeout, -4 compile error/timeout, -1 API or sandbox error. Also sends ROLL's payload shape.

usage: verl_client.py URL CASES_JSON  -> prints a JSON list of {name, verdict, status, detail}
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def call(url, code, stdin, language, timeout=10, memory_limit_mb=1024):
    payload = json.dumps({
        "compile_timeout": timeout,
        "run_timeout": timeout,
        "code": code,
        "stdin": stdin,
        "memory_limit_MB": memory_limit_mb,
        "language": language,
        "files": {},
        "fetch_files": [],
    })
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    last = None
    for attempt in range(3):
        try:
            r = requests.post(url, headers=headers, data=payload, timeout=timeout * 2 + 10)
        except requests.RequestException as e:
            return None, f"request error: {e}"
        if r.status_code == 504:
            last = "504"
            time.sleep(attempt + 1)
            continue
        try:
            r.raise_for_status()
            return r.json(), None
        except Exception as e:  # noqa: BLE001
            return None, f"{type(e).__name__}: {e}"
    return None, f"gave up after retries ({last})"


def verdict(resp, expected):
    status = resp.get("status")
    comp = resp.get("compile_result")
    run = resp.get("run_result")
    if status == "SandboxError":
        return -1
    if status == "Failed":
        if comp and (comp.get("status") in ("Error", "TimeLimitExceeded") or (comp.get("status") == "Finished" and comp.get("return_code") != 0)):
            return -4
        if run:
            if run.get("status") == "TimeLimitExceeded":
                return -3
            if run.get("status") == "Error" or (run.get("status") == "Finished" and run.get("return_code") != 0):
                return -2
        return -1
    if status == "Success":
        if run and run.get("status") == "Finished":
            out = run.get("stdout") or ""
            return True if expected is None or str(out).rstrip("\n") == str(expected).rstrip("\n") else False
        return -1
    return -1


def one(url, case):
    if case.get("roll"):
        # ROLL's CodeTester: posts its test case dict as JSON, with extras the server ignores.
        body = {"compile_timeout": 30, "run_timeout": 30, "code": case["code"], "language": case["language"],
                "stdin": case.get("stdin") or "", "expected_stdout": case.get("expected") or ""}
        r = requests.post(url, json=body, headers={"Content-Type": "application/json", "Accept": "application/json"}, timeout=90)
        resp = r.json() if r.status_code == 200 else None
        ok = bool(resp) and resp["status"] == "Success" and resp["run_result"]["stdout"].strip() == (case.get("expected") or "").strip()
        return {"name": case["name"], "verdict": ok, "status": resp and resp["status"], "detail": r.status_code}
    resp, err = call(url, case["code"], case.get("stdin"), case["language"], case.get("timeout", 10))
    if err:
        return {"name": case["name"], "verdict": -1, "status": None, "detail": err}
    return {"name": case["name"], "verdict": verdict(resp, case.get("expected")), "status": resp.get("status"), "detail": summary(resp)}


def summary(resp):
    """What the server answered, short: enough to tell a wrong verdict's cause from a test log."""
    def step(r):
        if not r:
            return None
        return {"status": r.get("status"), "return_code": r.get("return_code"), "execution_time": r.get("execution_time"),
                "stderr": (r.get("stderr") or "")[-300:]}
    return {"message": (resp.get("message") or "")[:300], "compile": step(resp.get("compile_result")), "run": step(resp.get("run_result"))}


def main():
    url = sys.argv[1]
    cases = json.load(open(sys.argv[2]))
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda c: one(url, c), cases))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
