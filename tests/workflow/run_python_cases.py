#!/usr/bin/env python3
"""Run each test workflow's cases as ordinary Python: the workflow method runs
with its internal functions (and nested workflows) replaced by the scripted
results of the case, sleep made instant and gather run in order. Checks that
the expected value or exception in every cases file is what Python does, so
that the same cases can hold the compiled state machine to the promise.

usage: run_python_cases.py DIR   (exit 1 on any mismatch)
"""
import asyncio
import builtins
import copy
import glob
import importlib.util
import inspect
import json
import os
import sys


async def instant_sleep(_seconds, *args, **kwargs):
    return None


async def ordered_gather(*aws, **kwargs):
    out = []
    for a in aws:
        out.append(await a if inspect.isawaitable(a) else a)
    return out


def exception_class(module, name):
    cls = getattr(module, name, None) or getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return cls
    return type(name, (Exception,), {})


def scripted(module, name, entries, is_async):
    """A stand-in for an internal function or workflow: one entry per call,
    the last entry repeats."""
    calls = {"n": 0}

    def next_result():
        i = min(calls["n"], len(entries) - 1)
        calls["n"] += 1
        e = entries[i]
        if "raise" in e:
            raise exception_class(module, e["raise"])(e.get("cause", ""))
        return e.get("return")

    if is_async:
        async def fake_async(*args, **kwargs):
            return next_result()
        return fake_async

    def fake(*args, **kwargs):
        return next_result()
    return fake


def normalize(v):
    return json.loads(json.dumps(v))


def run_case(module, cls, method, case):
    obj = cls.__new__(cls)
    for name, entries in case.get("mocks", {}).items():
        target = getattr(cls, name)
        setattr(obj, name, scripted(module, name, entries, inspect.iscoroutinefunction(target)))
    fn = getattr(obj, method)
    try:
        out = asyncio.run(fn(**copy.deepcopy(case["input"])))
    except Exception as e:  # the promise: class name and message
        return {"error": type(e).__name__, "cause": str(e)}
    return {"output": normalize(out)}


def load(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("sleep", "gather"):
        if hasattr(module, name):
            setattr(module, name, instant_sleep if name == "sleep" else ordered_gather)
    return module


def main():
    folder = sys.argv[1]
    asyncio.sleep = instant_sleep
    asyncio.gather = ordered_gather
    failures = total = 0
    files = sorted(glob.glob(os.path.join(folder, "*.cases.json")))
    if not files:
        print("no cases found in", folder)
        return 1
    for cases_path in files:
        py = cases_path[: -len(".cases.json")] + ".py"
        module = load(py)
        classes = [v for v in vars(module).values()
                   if isinstance(v, type) and v.__module__ == module.__name__]
        cls = classes[-1]
        spec = json.load(open(cases_path, encoding="utf-8"))
        for i, case in enumerate(spec["cases"]):
            total += 1
            got = run_case(module, cls, spec["method"], case)
            if got != case["expected"]:
                failures += 1
                print(f"FAIL {os.path.basename(py)} case {i}: expected {case['expected']}, Python gives {got}")
    print(f"{total - failures}/{total} cases agree with Python in {len(files)} workflows")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
