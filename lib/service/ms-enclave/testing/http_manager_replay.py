"""Replays the HTTP calls ms-enclave's HttpSandboxManager makes, with the same client library
(aiohttp: one ClientSession, X-API-Key as a default header, params in the query, json= bodies),
and checks each answer the way the manager reads it. Usage: python3 http_manager_replay.py BASE_URL [API_KEY]
Prints one JSON object: {"ok": true, "steps": [...]} or raises.
"""
import asyncio
import io
import json
import sys
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

import aiohttp

STATUSES = {"initializing", "running", "idle", "busy", "stopping", "stopped", "error"}
EXEC = {"success", "error", "timeout", "cancelled"}

# DockerSandboxConfig(tools_config=...).model_dump(exclude_none=True): every field with its default.
def docker_config(tools):
    return {
        "timeout": 30, "tools_config": tools, "working_dir": "/sandbox", "env_vars": {}, "resource_limits": {},
        "image": "python:3.11-slim", "volumes": {}, "ports": {}, "network": "bridge", "extra_hosts": {},
        "memory_limit": "4g", "cpu_limit": 2.0, "network_enabled": True, "privileged": False,
        "remove_on_exit": True, "pull_progress": False, "pull_progress_interval": 3.0, "docker_executor_workers": 8,
    }


def tar_of(source):
    """put_dir's archive (ms_enclave/sandbox/utils/archive.py tar_directory): every entry under
    source in sorted order, relative names, symlinks left out."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for p in sorted(source.rglob("*")):
            if not p.is_symlink():
                tar.add(p, arcname=p.relative_to(source).as_posix(), recursive=False)
    return buf.getvalue()


def parse_time(v):
    # pydantic accepts ISO 8601 with a trailing Z
    return datetime.fromisoformat(v.replace("Z", "+00:00"))


def sandbox_info(d):
    assert isinstance(d["id"], str) and d["status"] in STATUSES and isinstance(d["type"], str), d
    assert isinstance(d["config"], dict) and isinstance(d["metadata"], dict) and isinstance(d["available_tools"], dict), d
    parse_time(d["created_at"]); parse_time(d["updated_at"])
    return d


def tool_result(d):
    assert d["status"] in EXEC and isinstance(d["tool_name"], str), d
    assert d["execution_time"] is None or isinstance(d["execution_time"], (int, float)), d
    assert d["error"] is None or isinstance(d["error"], str), d
    assert isinstance(d["metadata"], dict), d
    parse_time(d["timestamp"])
    return d


async def main(base_url, api_key):
    steps = []
    headers = {"X-API-Key": api_key} if api_key else None
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120), headers=headers) as s:
        async with s.get(f"{base_url}/health") as r:
            assert r.status == 200, r.status
            h = await r.json()
            assert h["healthy"] is True
            steps.append("health")

        cfg = docker_config({"python_executor": {}, "shell_executor": {}, "file_operation": {}})
        async with s.post(f"{base_url}/sandbox/create", params={"sandbox_type": "docker"}, json=cfg) as r:
            assert r.status == 200, (r.status, await r.text())
            sid = (await r.json())["sandbox_id"]
        async with s.get(f"{base_url}/sandbox/{sid}") as r:
            info = sandbox_info(await r.json())
        steps.append("create")
        assert info["config"]["network_enabled"] is False and info["config"]["privileged"] is False

        async with s.get(f"{base_url}/sandbox/{sid}/tools") as r:
            tools = await r.json()
            assert sorted(tools) == ["file_operation", "python_executor", "shell_executor"], tools
        steps.append("tools")

        # ToolExecutionRequest(...).model_dump(): timeout None is sent as null.
        req = {"sandbox_id": sid, "tool_name": "python_executor", "parameters": {"code": "print('Hello remote')"}, "timeout": None}
        async with s.post(f"{base_url}/sandbox/tool/execute", json=req) as r:
            assert r.status == 200, r.status
            res = tool_result(await r.json())
            assert res["status"] == "success" and res["output"] == "Hello remote\n", res
        steps.append("execute")

        # put_dir(sandbox_id, source, target_dir) -> put_archive: the tar as the body, target_dir in the query.
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "skills"
            (source / "demo").mkdir(parents=True)
            (source / "demo" / "SKILL.md").write_text("skill from http", encoding="utf-8")
            (source / "demo" / "run.sh").write_text("#!/bin/sh\necho ran\n", encoding="utf-8")
            (source / "demo" / "run.sh").chmod(0o755)
            data = tar_of(source)
        target = "/sandbox/eval-skills"
        async with s.post(f"{base_url}/sandbox/{sid}/archive", params={"target_dir": target}, data=data, headers={"Content-Type": "application/x-tar"}) as r:
            assert r.status == 200, (r.status, await r.text())
            assert bool((await r.json()).get("ok", True))
        req = {"sandbox_id": sid, "tool_name": "shell_executor", "parameters": {"command": f"cat {target}/demo/SKILL.md; echo; {target}/demo/run.sh"}, "timeout": None}
        async with s.post(f"{base_url}/sandbox/tool/execute", json=req) as r:
            res = tool_result(await r.json())
            assert res["status"] == "success" and res["output"] == "skill from http\nran\n", res
        # A refused archive: HttpSandboxManager raises ValueError(detail) on 400.
        bad = io.BytesIO()
        with tarfile.open(fileobj=bad, mode="w") as tar:
            info = tarfile.TarInfo("../escape.txt")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
        async with s.post(f"{base_url}/sandbox/{sid}/archive", params={"target_dir": target}, data=bad.getvalue(), headers={"Content-Type": "application/x-tar"}) as r:
            assert r.status == 400, r.status
            assert ".." in (await r.json())["detail"]
        steps.append("put_dir")

        async with s.get(f"{base_url}/sandboxes", params={"status": "running"}) as r:
            listed = [sandbox_info(x) for x in await r.json()]
            assert sid in [x["id"] for x in listed]
        steps.append("list")

        async with s.post(f"{base_url}/sandbox/{sid}/stop") as r:
            assert r.status == 200
        async with s.delete(f"{base_url}/sandbox/{sid}") as r:
            assert r.status == 200
        async with s.get(f"{base_url}/sandbox/{sid}") as r:
            assert r.status == 404
        steps.append("stop+delete")

        async with s.post(f"{base_url}/pool/initialize", params={"pool_size": 2, "sandbox_type": "docker"}, json=docker_config({"python_executor": {}})) as r:
            assert r.status == 200, (r.status, await r.text())
            ids = (await r.json())["sandbox_ids"]
            assert len(ids) == 2
        for i in ids:
            async with s.get(f"{base_url}/sandbox/{i}") as r:
                assert sandbox_info(await r.json())["status"] == "idle"

        async def pool_exec(n):
            async with s.post(f"{base_url}/pool/execute", params={"tool_name": "python_executor", "timeout": 120.0}, json={"code": f"print({n} * 2)"}) as r:
                assert r.status == 200, (r.status, await r.text())
                return tool_result(await r.json())["output"]

        outs = await asyncio.gather(*(pool_exec(n) for n in range(6)))
        assert outs == [f"{n * 2}\n" for n in range(6)], outs
        steps.append("pool")

        async with s.get(f"{base_url}/stats") as r:
            assert r.status == 200
        # stop(): cleanup_all_sandboxes deletes what this manager created.
        for i in ids:
            async with s.delete(f"{base_url}/sandbox/{i}") as r:
                assert r.status == 200
        steps.append("cleanup")
    print(json.dumps({"ok": True, "steps": steps}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
