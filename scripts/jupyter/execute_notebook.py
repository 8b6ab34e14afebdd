#!/usr/bin/env python3
"""The one notebook executor of the project (the book, the tests and the grader all call it).

    .venv/bin/python scripts/jupyter/execute_notebook.py IN.ipynb --out OUT.ipynb [--cwd DIR] [--timeout S]
        [--memory-mb N] [--env K=V ...] [--allow-errors] [--report REPORT.json] [--kernel tslab]
        [--total-timeout S] [--max-output-mb N] [--progress]

Runs every code cell with the real kernel (tslab, registered in .venv by `npm run setup`) through nbclient and
writes the executed notebook (outputs kept). Contract:
  exit 0  all cells ran;
  exit 1  a cell failed: one stderr line "<notebook>: cell <n> (<tag or first line>): <ename>: <evalue>";
          without --allow-errors execution stops there (later cells "skipped");
          with --allow-errors it goes on, and after a timeout / memory kill / dead kernel it starts a fresh
          kernel for the remaining cells (their status is reported as it is);
  exit 2  set-up problem: no venv packages, no kernel (message says "run `npm run setup`"), notebook not valid JSON.
Cells are numbered 1-based among ALL cells (markdown included), so "cell 7" is the 7th cell in JupyterLab.
With --progress, each code cell as it ends prints one stderr line
"progress: cell <n> (<label>), <k> of <code cells>: <status> in <seconds> s" (the book build relays them).
Never hangs: each cell has --timeout, the whole run has --total-timeout, and a last-resort watchdog thread ends
the process (killing the kernel's process group) if nbclient itself stops responding.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
import warnings
from pathlib import Path

EXIT_OK, EXIT_CELL, EXIT_SETUP = 0, 1, 2


def setup_error(msg: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"execute_notebook: {msg}", file=sys.stderr)
    sys.exit(EXIT_SETUP)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Execute a Jupyter notebook with the project's tslab kernel.")
    p.add_argument("notebook", help="input .ipynb")
    p.add_argument("--out", required=True, help="where to write the executed notebook")
    p.add_argument("--cwd", help="kernel working directory (default: the notebook's folder)")
    p.add_argument("--timeout", type=float, default=900, help="seconds per cell (default 900)")
    p.add_argument("--total-timeout", type=float, default=3600, help="seconds for the whole notebook (default 3600)")
    p.add_argument("--memory-mb", type=float, help="kill the kernel when its process tree's RSS exceeds this many MB")
    p.add_argument("--max-output-mb", type=float,
                   help="keep at most this many MB of outputs per cell; the rest is dropped with a note (untrusted notebooks)")
    p.add_argument("--env", action="append", default=[], metavar="K=V", help="environment variable for the kernel")
    p.add_argument("--allow-errors", action="store_true", help="keep going after a failing cell")
    p.add_argument("--report", help="write a JSON report here")
    p.add_argument("--kernel", default="tslab", help="kernel name (default tslab)")
    p.add_argument("--startup-timeout", type=float, default=120, help="seconds to wait for the kernel to start")
    p.add_argument("--progress", action="store_true", help="one stderr line per code cell as it ends (status, seconds)")
    args = p.parse_args(argv)
    if args.timeout <= 0 or args.total_timeout <= 0:
        p.error("--timeout and --total-timeout must be positive")
    if args.max_output_mb is not None and args.max_output_mb <= 0:
        p.error("--max-output-mb must be positive")
    for kv in args.env:
        if "=" not in kv or kv.startswith("="):
            p.error(f"--env expects K=V, got {kv!r}")
    return args


# ------------------------------------------------------------------ process-tree memory (Linux /proc)

def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
            # the command name is in parentheses and may contain spaces; ppid is the 2nd field after it
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_rss_mb(pid: int) -> float:
    """Sum of VmRSS over pid and all its descendants, in MB (0 when /proc is not available)."""
    if not os.path.isdir("/proc"):
        return 0.0
    kids = _children_map()
    total_kb, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except (OSError, ValueError):
            pass
        stack.extend(kids.get(p, []))
    return total_kb / 1024.0


def kill_tree(pid: int) -> None:
    """SIGKILL pid's descendants and pid itself (a node kernel stuck in `while(true){}` ignores interrupts)."""
    try:
        kids = _children_map()
    except OSError:
        kids = {}
    order, stack = [], [pid]
    while stack:
        p = stack.pop()
        order.append(p)
        stack.extend(kids.get(p, []))
    for p in reversed(order):
        try:
            os.kill(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


# ------------------------------------------------------------------ executor

class Run:
    def __init__(self, args: argparse.Namespace, nb, nb_path: Path) -> None:
        self.args = args
        self.nb = nb
        self.nb_path = nb_path
        self.client = None
        self.kernel_pid: int | None = None
        self.memory_killed = threading.Event()
        self.peak_mb = 0.0
        self.stop_watch = threading.Event()
        self.started = time.monotonic()

    # --- kernel lifecycle
    def start_kernel(self) -> None:
        cwd = self.args.cwd or str(self.nb_path.parent)
        self.client = capped_client(self.args.max_output_mb)(
            self.nb,
            kernel_name=self.args.kernel,
            timeout=int(max(1, self.args.timeout)),
            startup_timeout=int(self.args.startup_timeout),
            interrupt_on_timeout=False,  # node cannot be interrupted inside a synchronous loop: we kill instead
            allow_errors=False,  # errors surface as CellExecutionError with ename/evalue
            record_timing=False,  # timestamps would make executed notebooks differ run to run
            shutdown_kernel="immediate",
            resources={"metadata": {"path": cwd}},
        )
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel(cwd=cwd)
        self.client.start_new_kernel_client()
        self.kernel_pid = self._find_pid()
        self.memory_killed.clear()

    def _find_pid(self) -> int | None:
        km = self.client.km if self.client else None
        prov = getattr(km, "provisioner", None)
        for obj in (getattr(prov, "process", None), prov):
            pid = getattr(obj, "pid", None)
            if isinstance(pid, int):
                return pid
        return None

    def stop_kernel(self) -> None:
        if self.client is None:
            return
        pid = self.kernel_pid
        try:
            if self.client.km is not None:
                self.client._cleanup_kernel()
        except Exception:  # a dead or killed kernel may fail to shut down cleanly; the kill below ends it
            pass
        if pid is not None:
            kill_tree(pid)
        self.client = None
        self.kernel_pid = None

    def kill_kernel(self) -> None:
        if self.kernel_pid is not None:
            kill_tree(self.kernel_pid)

    def execute_cell(self, cell, index: int) -> None:
        """nbclient's execute_cell, plus one retry when the kernel answers 'abort' (see the pause above)."""
        replies: list[dict] = []

        def keep(**kw):
            replies.append(kw.get("execute_reply") or {})

        self.client.on_cell_executed = keep
        for attempt in range(2):
            replies.clear()
            self.client.execute_cell(cell, index)
            status = (replies[-1].get("content", {}) if replies else {}).get("status", "ok")
            if status not in ("abort", "aborted"):
                return
            time.sleep(0.3)
        raise AbortedError()

    # --- watchdogs
    def watch(self) -> None:
        """Memory limit (per kernel process tree) and the last-resort global deadline."""
        hard_deadline = self.started + self.args.total_timeout + 60
        while not self.stop_watch.wait(0.25):
            pid = self.kernel_pid
            if pid is not None:
                mb = tree_rss_mb(pid)
                self.peak_mb = max(self.peak_mb, mb)
                if self.args.memory_mb and mb > self.args.memory_mb and not self.memory_killed.is_set():
                    self.memory_killed.set()
                    kill_tree(pid)
            if time.monotonic() > hard_deadline:
                print(f"{self.nb_path}: execute_notebook: global wall limit exceeded and the client did not return;"
                      " killing the kernel", file=sys.stderr)
                self.kill_kernel()
                os._exit(EXIT_CELL)

    # --- main loop
    def execute(self) -> dict:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        args = self.args
        cells_report: list[dict] = []
        first_error: str | None = None
        failed = False
        threading.Thread(target=self.watch, daemon=True).start()
        try:
            self.start_kernel()
        except Exception as e:  # noqa: BLE001 - any start failure is a set-up problem for the caller
            self.stop_kernel()
            raise KernelStartError(str(e) or type(e).__name__) from e

        try:
            for index, cell in enumerate(self.nb.cells):
                n = index + 1
                if cell.cell_type != "code":
                    continue
                if not cell.source.strip():
                    cell.outputs, cell.execution_count = [], None
                    continue
                entry: dict = {"index": n, "label": cell_label(cell)}
                cells_report.append(entry)
                remaining = args.total_timeout - (time.monotonic() - self.started)
                if (failed and not args.allow_errors) or remaining <= 0:
                    entry["status"] = "skipped"
                    if remaining <= 0 and first_error is None:
                        first_error = f"global time limit of {args.total_timeout:g} s reached before cell {n}"
                        failed = True
                    continue
                if self.client is None:
                    self.start_kernel()
                cell_timeout = min(args.timeout, remaining)
                self.client.timeout = int(max(1, round(cell_timeout)))
                t0 = time.monotonic()
                restart = False
                try:
                    self.execute_cell(cell, index)
                    entry["status"] = "ok"
                    bad = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                    if bad:  # an error output without an error reply (should not happen; be honest anyway)
                        entry.update(status="error", ename=bad[0].get("ename", "Error"), evalue=bad[0].get("evalue", ""))
                except CellExecutionError as e:
                    ename, evalue = error_from_outputs(cell, e.ename, e.evalue)
                    entry.update(status="error", ename=ename, evalue=evalue)
                    # tslab aborts requests that arrive within 200 ms after a failed one (jupyter.js,
                    # execQueue.reset(200)); without this pause the next cell would be silently dropped.
                    time.sleep(0.3)
                except CellTimeoutError:
                    if remaining < args.timeout and cell_timeout >= remaining:
                        msg = f"global time limit of {args.total_timeout:g} s reached"
                    else:
                        msg = f"cell ran longer than {args.timeout:g} s"
                    entry.update(status="timeout", ename="Timeout", evalue=msg)
                    self.kill_kernel()
                    restart = True
                except AbortedError:
                    entry.update(status="error", ename="Aborted", evalue="the kernel aborted this cell twice")
                except DeadKernelError:
                    if self.memory_killed.is_set():
                        entry.update(status="memory", ename="MemoryLimit",
                                     evalue=f"kernel used more than {args.memory_mb:g} MB and was killed")
                    else:
                        entry.update(status="dead-kernel", ename="DeadKernel", evalue="the kernel died during this cell")
                    restart = True
                entry["seconds"] = round(time.monotonic() - t0, 3)
                if args.progress:
                    total = sum(1 for c in self.nb.cells if c.cell_type == "code" and c.source.strip())
                    print(f"progress: cell {n} ({entry['label']}), {len(cells_report)} of {total}: {entry['status']}"
                          f" in {entry['seconds']:.1f} s", file=sys.stderr, flush=True)
                if entry["status"] != "ok":
                    if self.memory_killed.is_set() and entry["status"] == "timeout":
                        entry.update(status="memory", ename="MemoryLimit",
                                     evalue=f"kernel used more than {args.memory_mb:g} MB and was killed")
                    failed = True
                    line = f"{self.nb_path}: cell {n} ({entry['label']}): {entry['ename']}: {entry['evalue']}"
                    print(line, file=sys.stderr)
                    if first_error is None:
                        first_error = line
                if restart:
                    self.stop_kernel()  # a fresh kernel is started lazily for the next cell (--allow-errors)
        finally:
            self.stop_watch.set()
            self.stop_kernel()

        report: dict = {"ok": not failed, "notebook": str(self.nb_path), "cells": cells_report,
                        "seconds": round(time.monotonic() - self.started, 3),
                        "peakMemoryMb": round(self.peak_mb, 1)}
        if first_error is not None:
            report["error"] = first_error
        return report


def capped_client(max_output_mb: float | None):
    """nbclient's NotebookClient, or one that keeps at most max_output_mb of outputs per cell. A cell printing in an
    endless loop would otherwise grow this process (the grader's, outside the sandbox) until its time limit."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_output

    if max_output_mb is None:
        return NotebookClient
    cap = int(max_output_mb * 2**20)
    used_by_cell: dict[int, int] = {}  # this client's bytes of output so far, per cell

    class CappedClient(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            used = used_by_cell.get(cell_index, 0)
            if used > cap:
                return None
            size = len(json.dumps(msg.get("content", {})))
            used_by_cell[cell_index] = used + size
            if used + size > cap:
                note = f"[output truncated: this cell printed more than {max_output_mb:g} MB; the rest was dropped]\n"
                outs.append(new_output("stream", name="stderr", text=note))
                return None
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


class KernelStartError(Exception):
    pass


class AbortedError(Exception):
    pass


# Node prints an uncaught error as "<stack header>\n\nTypeError: message\n    at ..."; tslab's reply carries no
# ename/evalue, and its TypeScript diagnostics look like "1:7 - Type 'string' is not assignable to type 'number'."
_ERROR_LINE = re.compile(r"^(?:Uncaught )?([A-Za-z_$][\w$.]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: (.*)$")
_TS_DIAG = re.compile(r"^\d+:\d+ - (.*)$")


def error_from_outputs(cell, ename: str | None, evalue: str | None) -> tuple[str, str]:
    """The error name and message from the cell's stderr (tslab) or from the reply (other kernels)."""
    if ename and ename not in ("<Error>",) and evalue:
        return ename, first_line(evalue)
    err = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if err:
        return err[0].get("ename") or "Error", first_line(err[0].get("evalue"))
    text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")
    lines = [l.rstrip() for l in text.splitlines() if l.strip()]
    diags = [m.group(1) for m in (_TS_DIAG.match(l) for l in lines) if m]
    if diags:
        return "TypeScriptError", diags[0] + (f" (and {len(diags) - 1} more)" if len(diags) > 1 else "")
    for l in lines:
        m = _ERROR_LINE.match(l.strip())
        if m:
            return m.group(1), m.group(2)
    if lines and lines[0].startswith("Uncaught"):
        return "Error", lines[0]
    if lines:
        rest = [l for l in lines if not l.startswith("    at ") and not l.startswith("evalmachine.")]
        last = rest[-1] if rest else lines[-1]
        m = re.match(r"^([A-Za-z_$][\w$]*): (.+)$", last)
        return (m.group(1), m.group(2)) if m else ("Error", last)
    return "Error", "the cell failed without a message"


def first_line(s: str | None) -> str:
    s = (s or "").strip()
    return s.splitlines()[0] if s else ""


def cell_label(cell) -> str:
    tags = cell.get("metadata", {}).get("tags") or []
    if tags:
        return "#" + ",".join(tags)
    for line in cell.source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= 60 else line[:57] + "..."
    return ""


def venv_jupyter_paths() -> None:
    """Look for kernels only inside this interpreter's environment (the project .venv), not in ~/.local."""
    share = Path(sys.prefix) / "share" / "jupyter"
    os.environ["JUPYTER_PATH"] = str(share)
    os.environ.setdefault("JUPYTER_DATA_DIR", str(share))
    os.environ.setdefault("JUPYTER_CONFIG_DIR", str(Path(sys.prefix) / "etc" / "jupyter"))
    os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(share / "runtime"))


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        import nbformat
        import nbclient  # noqa: F401
        from nbformat.validator import MissingIDFieldWarning
        warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as e:
        setup_error(f"{e.name or e} is not installed for {sys.executable}; run `npm run setup` "
                    "and call this script with .venv/bin/python")

    nb_path = Path(args.notebook)
    try:
        text = nb_path.read_text(encoding="utf-8")
    except OSError as e:
        setup_error(f"{nb_path}: cannot read the notebook: {e.strerror or e}")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        setup_error(f"{nb_path}: not a valid notebook: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}")
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        setup_error(f"{nb_path}: not a valid notebook: expected a JSON object with a 'cells' list")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # noqa: BLE001 - nbformat raises several types for malformed notebooks
        setup_error(f"{nb_path}: not a valid notebook: {first_line(str(e))}")

    venv_jupyter_paths()
    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        setup_error(f"kernel '{args.kernel}' is not installed in {sys.prefix}; run `npm run setup`")

    for kv in args.env:
        k, v = kv.split("=", 1)
        os.environ[k] = v

    run = Run(args, nb, nb_path)
    try:
        report = run.execute()
    except KernelStartError as e:
        setup_error(f"{nb_path}: the '{args.kernel}' kernel did not start: {first_line(str(e))}; run `npm run setup`")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    nbformat.write(nb, str(tmp))
    os.replace(tmp, out)
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps(report, indent=1) + "\n")
    return EXIT_OK if report["ok"] else EXIT_CELL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
