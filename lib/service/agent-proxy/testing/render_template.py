"""Render a chat template the way transformers' apply_chat_template does (its Jinja environment:
ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, and a `tojson` that is
json.dumps(ensure_ascii=False) with Python's default separators), with Debian's python3-jinja2 and
no transformers. Reads {"template": str, "cases": [{"messages", "tools", "add_generation_prompt"}]}
on stdin, writes a JSON list of rendered strings."""
import json
import sys

from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise ValueError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    req = json.load(sys.stdin)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    tpl = env.from_string(req["template"])
    out = []
    for case in req["cases"]:
        kwargs = {"messages": case["messages"], "add_generation_prompt": case.get("add_generation_prompt", True)}
        if case.get("tools"):
            kwargs["tools"] = case["tools"]
        kwargs.update(case.get("kwargs") or {})
        out.append(tpl.render(**kwargs))
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
