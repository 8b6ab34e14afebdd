#!/usr/bin/env python3
"""The notebook executor, kept alive for a class (issue 14): runs scripts/jupyter/execute_notebook.py's own
main() once per request, so a grading run imports nbclient, jupyter_client and their dependencies once per job slot
instead of once per submission (about 1.8 s of CPU each time on the 2-core machine: a fifth of grading one).

    .venv/bin/python scripts/grading/executor_worker.py      (started by scripts/grading/execute.ts)

Requests come on stdin, one JSON object per line: {"argv": [execute_notebook.py's arguments], "env": {NAME: value}}
(the environment of that run: the kernel-spec folder, the kernels' variables). The answer goes to file descriptor 3,
one JSON object per line: {"code": exit code, "stderr": what the executor printed}. Kernels started by the executor
do not inherit descriptor 3 (subprocess closes it), so nothing they print can reach the grader as an answer.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "jupyter"))
import execute_notebook  # noqa: E402  (the one executor)


def main() -> int:
    # The imports the executor does on its first run, done now, while the grader prepares the first notebook.
    try:
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
        from jupyter_client.kernelspec import KernelSpecManager  # noqa: F401
    except ImportError:
        pass  # execute_notebook.main reports it, with the fix
    answers = os.fdopen(3, "w", buffering=1)
    # The environment every run starts from: a run's variables must not leak into the next.
    base_env = dict(os.environ)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        os.environ.clear()
        os.environ.update(base_env)
        os.environ.update(request.get("env", {}))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                code = execute_notebook.main(request["argv"])
            except SystemExit as e:  # setup_error and argparse exit this way
                code = e.code if isinstance(e.code, int) else 1
            except Exception as e:  # noqa: BLE001 - the executor failed; the grader reports it and goes on
                print(f"execute_notebook: {type(e).__name__}: {e}", file=sys.stderr)
                code = 2
        answers.write(json.dumps({"code": code, "stderr": err.getvalue()[-200_000:]}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
