#!/usr/bin/python3
"""The behavioural promise of the workflow compiler (shared/workflow-translation.md),
held against the simulator: for every case, the real Python method and
`stc-tui simulate SERVICE.py METHOD --json` must agree.

A cases file (X.cases.json) holds a method, its cases and, optionally, the
module ("module": a path relative to the cases file; default: X.py beside it):

  {"module": "../../../examples/people.py", "method": "_onboard",
   "cases": [{"name": "...", "input": {...},
              "mocks": {"_send_email": [{"return": false}, {"raise": "E", "cause": "text"}]},
              "expected": {"output": ...} | {"error": "E", "cause": "text"}}]}

For each case:
  (a) Python: the module is imported, the service class (the last class defined
      in it) instantiated (with __init__'s defaults when it has any), every
      mocked internal function or nested workflow of the instance replaced by
      a stand-in returning the scripted results in order (the last repeats;
      `raise` raises the exception class of that name -- the module's, a
      built-in, or a new Exception subclass -- whose str() is the cause),
      asyncio.sleep and an imported sleep made instant, gather taking plain
      values; unmocked nested workflows run for real (they are async methods
      of the same instance). The return value (JSON, tuples as lists) or the
      escaping exception (class name, str()) is the answer.
  (b) the simulator: stc-tui simulate SERVICE.py METHOD --input ... --mocks ... --json.
  (c) both must agree (JSON values compared strictly: true is not 1), and
      agree with "expected" when the case has it (worked out by hand).

usage: promise.py [--at-least N] [--query-language L] PATH...   (cases files, or folders
       of *.cases.json; --at-least: fail unless N workflow methods were checked;
       --query-language: the dialect the workflows are compiled to, jsonata or jsonpath,
       passed to simulate)
Needs STC_BIN (the stc-tui binary). Prints one line per failure and
"N passed, N failed" at the end; exit status 1 when anything failed.
"""
import asyncio
import builtins
import copy
import glob
import importlib.util
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile


async def instant_sleep(*_args, **_kwargs):
    return None


async def plain_gather(*items, **_kwargs):
    """gather over values as the workflows write it: the internal functions
    have already run (they are plain calls); awaitables are awaited in order."""
    out = []
    for item in items:
        out.append(await item if inspect.isawaitable(item) else item)
    return out


class Script:
    """Scripted results of one function: entry after entry, the last repeats."""

    def __init__(self, module, entries):
        self.module = module
        self.entries = entries if isinstance(entries, list) else [entries]
        self.calls = 0

    def next(self):
        e = self.entries[min(self.calls, len(self.entries) - 1)]
        self.calls += 1
        if "raise" in e:
            raise make_exception(self.module, e["raise"], e.get("cause", ""))
        return e.get("return")


_made = {}


def make_exception(module, name, cause):
    cls = getattr(module, name, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        cls = getattr(builtins, name, None)
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        cls = _made.setdefault(name, type(name, (Exception,), {}))
    try:
        exc = cls(cause)
        if str(exc) == cause:
            return exc
    except Exception:
        pass
    # e.g. KeyError quotes its message: keep the class (for except clauses)
    # and its name, and make str() the cause exactly as the Lambda reported it.
    fixed = type(name, (cls,), {"__str__": lambda self: cause, "__module__": cls.__module__})
    exc = fixed.__new__(fixed)
    exc.args = (cause,)
    return exc


# The runtime every function ships (core/aws/runtime): modules import
# post_to_connection, Mapping, Channel, jdict ... from it, as a local run does.
RUNTIME = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "aws", "runtime")


def load_module(path):
    if RUNTIME not in sys.path:
        sys.path.insert(0, RUNTIME)
        os.environ["STC_RUNTIME"] = "memory"
        import stc_runtime
        stc_runtime.install_compat()
    name = "_promise_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if hasattr(module, "sleep"):
        module.sleep = instant_sleep
    if hasattr(module, "gather"):
        module.gather = plain_gather
    classes = [v for v in vars(module).values()
               if isinstance(v, type) and v.__module__ == module.__name__]
    return module, classes[-1]


def new_instance(cls):
    try:
        return cls()
    except TypeError:  # __init__ has required parameters: the workflows never read them
        return cls.__new__(cls)


class PythonTooLong(BaseException):
    """The method ran longer than PYTHON_SECONDS (it may loop forever)."""


PYTHON_SECONDS = 30


def _too_long(_signum, _frame):
    raise PythonTooLong()


def run_python(module, cls, method, case):
    obj = new_instance(cls)
    for name, entries in case.get("mocks", {}).items():
        script = Script(module, entries)
        if inspect.iscoroutinefunction(getattr(cls, name, None)):
            async def stand_in(*_a, _s=script, **_k):
                return _s.next()
        else:
            def stand_in(*_a, _s=script, **_k):
                return _s.next()
        setattr(obj, name, stand_in)
    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(PYTHON_SECONDS)
    try:
        # a copy: the method may change its arguments in place (del d[k]),
        # and the simulator gets the case's input afterwards
        value = asyncio.run(getattr(obj, method)(**copy.deepcopy(case["input"])))
    except PythonTooLong:
        return {"python": f"still running after {PYTHON_SECONDS} s"}
    except Exception as e:
        return {"error": type(e).__name__, "cause": str(e)}
    finally:
        signal.alarm(0)
    return {"output": json.loads(json.dumps(value))}


QUERY_LANGUAGE = []


def run_simulator(module_path, method, case, tmp):
    mocks = os.path.join(tmp, "mocks.json")
    with open(mocks, "w", encoding="utf-8") as f:
        json.dump(case.get("mocks", {}), f)
    cmd = [os.environ["STC_BIN"], "simulate", module_path, method,
           "--input", json.dumps(case["input"]), "--mocks", mocks, "--json"] + QUERY_LANGUAGE
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=int(os.environ.get("STC_TEST_TIMEOUT", "120")))
    if p.returncode not in (0, 4):
        return {"exit": p.returncode, "stderr": p.stderr.strip()}
    doc = json.loads(p.stdout)
    if p.returncode == 0 and doc["status"] == "SUCCEEDED":
        return {"output": doc["output"]}
    if p.returncode == 4 and doc["status"] == "FAILED":
        return {"error": doc["error"], "cause": doc["cause"]}
    return {"exit": p.returncode, "status": doc["status"]}


def same(a, b):
    """JSON equality where booleans are not numbers and 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def cases_files(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out.extend(sorted(glob.glob(os.path.join(p, "*.cases.json"))))
        else:
            out.append(p)
    return out


def main(argv):
    at_least = 1
    if len(argv) > 2 and argv[1] == "--at-least":
        at_least = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) > 2 and argv[1] == "--query-language":
        QUERY_LANGUAGE[:] = ["--query-language", argv[2]]
        argv = argv[:1] + argv[3:]
    if len(argv) < 2:
        print("usage: promise.py [--at-least N] [--query-language L] PATH...", file=sys.stderr)
        return 2
    if not os.environ.get("STC_BIN"):
        print("promise.py: STC_BIN (the stc-tui binary) is not set", file=sys.stderr)
        return 2
    asyncio.sleep = instant_sleep
    asyncio.gather = plain_gather
    files = cases_files(argv[1:])
    if not files:
        print("promise.py: no cases files in", " ".join(argv[1:]), file=sys.stderr)
        return 1
    passed = failed = 0
    methods = 0
    with tempfile.TemporaryDirectory() as tmp:
        for cases_path in files:
            with open(cases_path, encoding="utf-8") as f:
                spec = json.load(f)
            folder = os.path.dirname(cases_path)
            default = cases_path[: -len(".cases.json")] + ".py"
            module_path = os.path.normpath(os.path.join(folder, spec["module"])) \
                if "module" in spec else default
            module, cls = load_module(module_path)
            methods += 1
            for i, case in enumerate(spec["cases"]):
                label = f"{os.path.basename(cases_path)} case {i}" + \
                    (f" ({case['name']})" if case.get("name") else "")
                py = run_python(module, cls, spec["method"], case)
                sim = run_simulator(module_path, spec["method"], case, tmp)
                problems = []
                if set(py) != set(sim) or not all(same(py[k], sim[k]) for k in py):
                    problems.append(f"Python gives {json.dumps(py)}, simulate gives {json.dumps(sim)}")
                want = case.get("expected")
                if want is not None and (set(want) != set(py) or
                                         not all(same(want[k], py[k]) for k in want)):
                    problems.append(f"expected {json.dumps(want)}, Python gives {json.dumps(py)}")
                if problems:
                    failed += 1
                    print(f"FAIL {label}: " + "; ".join(problems))
                else:
                    passed += 1
    lang = QUERY_LANGUAGE[1] if QUERY_LANGUAGE else "the default dialect"
    print(f"{methods} workflow methods ({lang}): {passed} passed, {failed} failed")
    if methods < at_least:
        print(f"FAIL: {methods} workflow methods checked, at least {at_least} wanted")
        return 1
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
