#!/usr/bin/env bash
# `npm run setup`: everything a fresh clone needs to run the library, the notebooks and the tests.
#   1. npm ci            when node_modules is missing or older than package-lock.json
#   2. .venv             a project-local Python virtual environment (python3 -m venv)
#   3. pip install       the pinned requirements.txt, skipped when unchanged since the last run
#   4. tslab kernel      registered INSIDE .venv (.venv/share/jupyter/kernels/tslab), never in ~/.local or /usr
#   5. tfjs-node         the native backend: the normal install, else built against PyPI's libtensorflow when g++ and
#                        make exist, else wasm with one line saying how to get it; never fails the set-up
#   6. the book          `npm run book` (full profile; cached notebook runs are reused), unless --no-book
# Idempotent: a second run only checks stamps and rewrites kernel.json (about a second).
# Environment: PYTHON=<interpreter> to choose the Python (default python3); SETUP_SKIP_NPM=1 to leave node_modules alone.
set -euo pipefail

BUILD_BOOK=1
NPM_CI_RAN=0
for arg in "$@"; do
  case "$arg" in
    --no-book) BUILD_BOOK=0 ;;
    *) printf 'setup: unknown option %s (only --no-book)\n' "$arg" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- 1. node modules
command -v node >/dev/null 2>&1 || fail "node is not on PATH; install Node.js 20 or newer (https://nodejs.org)"
NODE_BIN="$(command -v node)"
if [ "${SETUP_SKIP_NPM:-0}" != "1" ]; then
  # npm writes node_modules/.package-lock.json on every install; older than the lockfile = stale.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing node modules (npm ci)"
    npm ci --no-audit --no-fund || fail "npm ci failed (see above)"
    NPM_CI_RAN=1
  else
    say "node_modules is up to date with package-lock.json"
  fi
fi
TSLAB_BIN="$ROOT/node_modules/tslab/bin/tslab"
[ -f "$TSLAB_BIN" ] || fail "node_modules/tslab is missing; run 'npm ci' and check its output"

# ---------------------------------------------------------------- 2. virtual environment
if [ ! -x "$VENV/bin/python" ]; then
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    fail "'$PYTHON' not found. Install Python 3.9+ with venv support, e.g. 'sudo apt-get install python3 python3-venv' (Debian/Ubuntu) or 'brew install python' (macOS); or set PYTHON=/path/to/python3"
  fi
  say "creating the Python virtual environment .venv ($("$PYTHON" --version 2>&1))"
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"
    fail "'$PYTHON -m venv' failed. On Debian/Ubuntu install the venv module: 'sudo apt-get install python3-venv'"
  fi
fi
"$VENV/bin/python" -m pip --version >/dev/null 2>&1 \
  || fail ".venv has no pip; delete .venv and install python3-venv (Debian/Ubuntu: 'sudo apt-get install python3-venv'), then rerun"

# ---------------------------------------------------------------- 3. pinned Python packages
STAMP="$VENV/.requirements.sha256"
WANT="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ] \
   || ! "$VENV/bin/python" -c 'import jupyterlab, nbclient, nbformat, jupyter_client' >/dev/null 2>&1; then
  say "installing Python packages from requirements.txt into .venv"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r requirements.txt \
    || fail "pip install -r requirements.txt failed (see above); check network access to PyPI"
  echo "$WANT" > "$STAMP"
else
  say ".venv packages match requirements.txt"
fi

# ---------------------------------------------------------------- 4. the tslab kernel, inside .venv only
# Written by hand (what `tslab install --sys-prefix` writes) with absolute paths, so the kernel
# starts whatever PATH the Jupyter server has. It runs tslab through scripts/jupyter/tslab-kernel.js, which starts
# it in the project root (tslab's TypeScript rootDir is the kernel's folder; notebooks import './lib/index').
# Rewritten every run: moving the checkout or switching node versions is repaired by running setup again.
KDIR="$VENV/share/jupyter/kernels/tslab"
mkdir -p "$KDIR"
"$VENV/bin/python" - "$KDIR/kernel.json" "$NODE_BIN" "$ROOT/scripts/jupyter/tslab-kernel.js" <<'PY' || fail "could not write the tslab kernel spec into .venv"
import json, sys
path, node, tslab = sys.argv[1:4]
spec = {
    "argv": [node, tslab, "kernel", "--config-path", "{connection_file}"],
    "display_name": "TypeScript",
    "language": "typescript",
}
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY
# Check with Jupyter itself, looking only inside the venv (JUPYTER_PATH), like `npm run lab` and the executor do.
export JUPYTER_PATH="$VENV/share/jupyter" JUPYTER_DATA_DIR="$VENV/share/jupyter" JUPYTER_CONFIG_DIR="$VENV/etc/jupyter"
if ! "$VENV/bin/jupyter" kernelspec list 2>/dev/null | grep -q "^  *tslab  *$KDIR\$"; then
  "$VENV/bin/jupyter" kernelspec list >&2 || true
  fail "the tslab kernel is not visible to .venv/bin/jupyter (expected $KDIR); delete .venv and rerun npm run setup"
fi
say "tslab kernel registered in .venv ($KDIR)"
say "Jupyter is ready: 'npm run lab' opens the notebooks"

# ---------------------------------------------------------------- 5. tfjs-node, the native backend, where it can be had
# It is optional (wasm runs everything), so nothing here fails the set-up. In order:
#   a. the normal install: npm ci runs tfjs-node's own installer (an optional dependency; npm drops it when the
#      installer cannot download libtensorflow); tried once more here when npm ci did not run this time;
#   b. the PyPI route of `npm run setup:tfjs-node` (libtensorflow from the tensorflow-cpu wheel, the binding built
#      here) when g++, make and python3 exist; after `npm ci` it rebuilds from .cache/tfjs-node, no download;
#   c. otherwise wasm, with one line saying why and how to get tfjs-node.
TFJS_NODE_VERSION="$(node -p "require('./package.json').optionalDependencies['@tensorflow/tfjs-node']")"
tfjs_node_loads() { node -e "require('@tensorflow/tfjs-node')" >/dev/null 2>&1; }
if tfjs_node_loads; then
  say "tfjs-node loads (the 'tensorflow' backend)"
else
  if [ "$NPM_CI_RAN" = "0" ] && [ ! -f "$ROOT/.cache/tfjs-node/libtensorflow/SOURCE" ]; then
    say "trying the normal install of @tensorflow/tfjs-node@$TFJS_NODE_VERSION (its installer downloads libtensorflow)"
    BAK="$(mktemp -d)"; cp package.json package-lock.json "$BAK/"
    timeout 300 npm install --no-save --no-audit --no-fund "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >/dev/null 2>&1 || true
    for f in package.json package-lock.json; do cmp -s "$f" "$BAK/$f" || cp "$BAK/$f" "$f"; done
    rm -rf "$BAK"
  fi
  if tfjs_node_loads; then
    say "tfjs-node loads (the 'tensorflow' backend)"
  elif command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
    if [ -f "$ROOT/.cache/tfjs-node/libtensorflow/SOURCE" ]; then
      say "rebuilding tfjs-node against the library kept in .cache/tfjs-node (no download)"
    else
      say "tfjs-node's own download is unreachable here; building it against PyPI's libtensorflow (npm run setup:tfjs-node)"
    fi
    bash "$ROOT/scripts/setup/tfjs-node.sh" \
      || say "WARNING: building tfjs-node failed (see above); the wasm backend runs everything meanwhile; retry with 'npm run setup:tfjs-node'"
  else
    say "tfjs-node is not available (its download failed and g++/make/python3 are missing to build it): the wasm backend runs everything; for the faster native backend install g++ and make (Debian/Ubuntu: sudo apt-get install g++ make) and run 'npm run setup:tfjs-node' (docs/backends.md)"
  fi
fi

# ---------------------------------------------------------------- 6. the book
if [ "$BUILD_BOOK" = "1" ]; then
  say "building the book (every notebook executed by the tslab kernel; unchanged ones come from .cache)"
  npm run --silent book || fail "the book build failed (see above); the previous book/ is left as it was"
  say "the book is ready: open $ROOT/book/index.html"
fi
