#!/usr/bin/env bash
# `npm run setup:tfjs-node [-- --lib DIR | --tarball FILE]`: the native TensorFlow backend (@tensorflow/tfjs-node)
# where its own installer cannot download libtensorflow (it fetches 2.9.1 from storage.googleapis.com).
#   0. nothing to do    when `require('@tensorflow/tfjs-node')` already works (its normal install succeeded)
#   1. the npm package  installed with --ignore-scripts, --no-save: package.json and package-lock.json stay as they are
#   2. the C library    prepared once in .cache/tfjs-node/libtensorflow/ (lib/ + the C headers), from
#                       - default: PyPI's tensorflow-cpu wheel ($TF_WHEEL), fetched by pip (any PyPI mirror pip is
#                         configured for works); only libtensorflow_cc.so.2 (it exports the C API),
#                         libtensorflow_framework.so.2 and the headers the binding includes are kept
#                       - --tarball FILE: an official libtensorflow-cpu-linux-*.tar.gz
#                       - --lib DIR: a folder holding libtensorflow*.so* (in DIR or DIR/lib) and include/
#                         (an unpacked tensorflow wheel's tensorflow/ folder qualifies)
#   3. the binding      built from source against it (node-pre-gyp + node-gyp; needs g++, make, python3)
#   4. a check          loads it, selects the 'tensorflow' backend, checks a matMul and a gradient
# Idempotent: a rerun stops at 0; after `npm ci` (which drops tfjs-node again) it rebuilds from the cache without
# downloading (scripts/setup/setup.sh does that for you). `rm -rf .cache/tfjs-node` forgets the prepared library.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
CACHE="$ROOT/.cache/tfjs-node"
PREPARED="$CACHE/libtensorflow"
# tensorflow-cpu 2.21.0 is the release this project's tests were run against on tfjs-node 4.22.0 (which was built
# for libtensorflow 2.9.1; the C API it uses is stable across 2.x, and step 4 checks what the library relies on).
TF_WHEEL="tensorflow-cpu==2.21.0"

say() { printf 'setup:tfjs-node: %s\n' "$*"; }
fail() { printf 'setup:tfjs-node: ERROR: %s\n' "$*" >&2; exit 1; }
usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed -e 's/^# \{0,1\}//' -e "s/\$TF_WHEEL/$TF_WHEEL/"
}

SRC_LIB=""
SRC_TARBALL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --lib) [ $# -ge 2 ] || fail "--lib needs a folder"; SRC_LIB="$2"; shift 2 ;;
    --lib=*) SRC_LIB="${1#--lib=}"; shift ;;
    --tarball) [ $# -ge 2 ] || fail "--tarball needs a file"; SRC_TARBALL="$2"; shift 2 ;;
    --tarball=*) SRC_TARBALL="${1#--tarball=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) printf 'setup:tfjs-node: unknown option %s (only --lib DIR, --tarball FILE, --help)\n' "$1" >&2; exit 2 ;;
  esac
done
[ -z "$SRC_LIB" ] || [ -z "$SRC_TARBALL" ] || fail "give either --lib or --tarball, not both"
# Check what the user named before changing anything.
if [ -n "$SRC_LIB" ]; then
  [ -d "$SRC_LIB" ] || fail "--lib $SRC_LIB: no such folder"
  SRC_LIB="$(cd "$SRC_LIB" && pwd)"
  compgen -G "$SRC_LIB/libtensorflow*.so*" >/dev/null || compgen -G "$SRC_LIB/lib/libtensorflow*.so*" >/dev/null \
    || fail "--lib $SRC_LIB: no libtensorflow*.so* in it or in its lib/"
  [ -f "$SRC_LIB/include/tensorflow/c/c_api.h" ] || fail "--lib $SRC_LIB: no include/tensorflow/c/c_api.h (the C headers)"
fi
if [ -n "$SRC_TARBALL" ]; then
  [ -f "$SRC_TARBALL" ] || fail "--tarball $SRC_TARBALL: no such file"
  SRC_TARBALL="$(cd "$(dirname "$SRC_TARBALL")" && pwd)/$(basename "$SRC_TARBALL")"
  LISTING="$(tar -tzf "$SRC_TARBALL" 2>/dev/null)" || fail "--tarball $SRC_TARBALL is not a readable .tar.gz"
  grep -Eq '(^|/)lib/libtensorflow[^/]*\.so' <<<"$LISTING" && grep -q 'include/tensorflow/c/c_api.h' <<<"$LISTING" \
    || fail "--tarball $SRC_TARBALL: no lib/libtensorflow*.so* and include/tensorflow/c/c_api.h in it (expected a libtensorflow-cpu-linux-*.tar.gz)"
fi

START=$(date +%s)
command -v node >/dev/null 2>&1 || fail "node is not on PATH; install Node.js 20 or newer"
[ -f node_modules/.package-lock.json ] || fail "node_modules is missing; run 'npm run setup' (or 'npm ci') first"
[ "$(uname -s)" = "Linux" ] || fail "this script builds for Linux only; on $(uname -s) use 'npm install @tensorflow/tfjs-node' (its installer has prebuilt binaries there)"
PKG_DIR="$ROOT/node_modules/@tensorflow/tfjs-node"
# The version this project pins (package.json optionalDependencies), so the package matches package-lock.json.
TFJS_NODE_VERSION="$(node -p "require('./package.json').optionalDependencies['@tensorflow/tfjs-node']")"

# The check shared by steps 0 and 4: prints "<TF version> <path of the libtensorflow the process mapped>".
# The TF version comes from the binding (TF_Version() of the library it loaded), the path from /proc/self/maps.
PROBE='
const tf = require("@tensorflow/tfjs-node");
const ok = tf.getBackend() === "tensorflow";
const maps = require("fs").readFileSync("/proc/self/maps", "utf8").split("\n");
const lib = maps.map((l) => l.split(/\s+/)[5] || "").find((p) => /libtensorflow(_cc)?\.so/.test(p)) || "?";
console.log(`${ok ? tf.backend().binding.TF_Version : "not-selected"} ${lib}`);
'

# ---------------------------------------------------------------- 0. does the normal install work?
if [ -z "$SRC_LIB$SRC_TARBALL" ]; then
  if out="$(node -e "$PROBE" 2>/dev/null)"; then
    say "@tensorflow/tfjs-node already loads (libtensorflow ${out%% *}, ${out#* }); nothing to do"
    exit 0
  fi
fi

# ---------------------------------------------------------------- tools for the build
for tool in g++ make python3; do
  command -v "$tool" >/dev/null 2>&1 \
    || fail "'$tool' is needed to build the tfjs-node binding; on Debian/Ubuntu: 'sudo apt-get install g++ make python3'"
done

# ---------------------------------------------------------------- 1. the package, without its install script
pkg_complete() {
  [ -f "$PKG_DIR/package.json" ] \
    && [ "$(node -p "require('$PKG_DIR/package.json').version")" = "$TFJS_NODE_VERSION" ] \
    && (cd "$PKG_DIR" && node -e "for (const d of Object.keys(require('./package.json').dependencies)) require.resolve(d + '/package.json')") >/dev/null 2>&1
}
if pkg_complete; then
  say "@tensorflow/tfjs-node@$TFJS_NODE_VERSION and its dependencies are in node_modules"
else
  say "installing @tensorflow/tfjs-node@$TFJS_NODE_VERSION without its install script (npm install --no-save --ignore-scripts)"
  BAK="$(mktemp -d)"
  cp package.json package-lock.json "$BAK/"
  npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" \
    || fail "npm install of @tensorflow/tfjs-node@$TFJS_NODE_VERSION failed (see above); check access to the npm registry"
  # --no-save should leave both files alone; make sure, since other work depends on the lockfile.
  for f in package.json package-lock.json; do
    if ! cmp -s "$f" "$BAK/$f"; then
      cp "$BAK/$f" "$f"
      say "WARNING: npm changed $f; restored the previous copy"
    fi
  done
  rm -rf "$BAK"
  pkg_complete || fail "node_modules/@tensorflow/tfjs-node or one of its dependencies is still missing after npm install"
fi

# ---------------------------------------------------------------- 2. the TensorFlow C library
# extract.py SOURCE DEST: copies the two shared libraries and the headers the binding includes, transitively,
# from SOURCE (a wheel, or a folder laid out like a libtensorflow tarball or a wheel's tensorflow/ folder)
# into DEST/lib and DEST/include. Prints the library's file name (its SONAME decides what the binding links).
EXTRACT='
import os, re, shutil, subprocess, sys, zipfile
src, dest, binding = sys.argv[1:4]
INC = re.compile(r"^\s*#\s*include\s+\"([^\"]+)\"", re.M)

class Wheel:
    def __init__(self, path):
        self.z = zipfile.ZipFile(path)
        self.names = set(self.z.namelist())
    def lib(self, candidates):
        for c in candidates:
            if "tensorflow/" + c in self.names: return "tensorflow/" + c
    def header(self, rel):
        n = "tensorflow/include/" + rel
        return n if n in self.names else None
    def read(self, name): return self.z.read(name)
    def copy(self, name, out):
        with self.z.open(name) as i, open(out, "wb") as o: shutil.copyfileobj(i, o, 1 << 22)

class Folder:
    def __init__(self, path): self.root = path
    def lib(self, candidates):
        for d in ("lib", ""):
            for c in candidates:
                p = os.path.join(self.root, d, c)
                if os.path.isfile(p): return os.path.realpath(p)
    def header(self, rel):
        p = os.path.join(self.root, "include", rel)
        return p if os.path.isfile(p) else None
    def read(self, name):
        with open(name, "rb") as f: return f.read()
    def copy(self, name, out): shutil.copyfile(name, out)

s = Wheel(src) if os.path.isfile(src) else Folder(src)
main = s.lib(["libtensorflow_cc.so.2", "libtensorflow.so.2", "libtensorflow.so"])
frame = s.lib(["libtensorflow_framework.so.2", "libtensorflow_framework.so"])
if not main or not frame:
    sys.exit(f"no libtensorflow_cc.so.2 / libtensorflow.so.2 and libtensorflow_framework.so.2 in {src} (looked in it and in lib/)")
os.makedirs(os.path.join(dest, "lib"))

def soname(path, fallback):
    """The name the library was linked under (readelf), which is what the dynamic loader will look for."""
    try:
        out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
        m = re.search(r"\(SONAME\).*\[(.+)\]", out)
        return m.group(1) if m else fallback
    except (OSError, subprocess.CalledProcessError):
        return fallback

# Stored under their SONAMEs: libtensorflow_cc.so.2 from the wheel, libtensorflow.so.2 from the tarball.
for lib, fallback in ((main, "libtensorflow.so.2"), (frame, "libtensorflow_framework.so.2")):
    tmp = os.path.join(dest, "lib", "incoming.so")
    s.copy(lib, tmp)
    name = soname(tmp, fallback)
    os.rename(tmp, os.path.join(dest, "lib", name))
    if lib == main: main_name = name
# Headers: what the binding sources include from tensorflow/, and what those include, transitively.
todo = []
for f in os.listdir(binding):
    if f.endswith((".cc", ".h")):
        with open(os.path.join(binding, f)) as fh:
            todo += [h for h in INC.findall(fh.read()) if h.startswith("tensorflow/")]
seen, missing = set(), []
while todo:
    rel = todo.pop()
    if rel in seen: continue
    seen.add(rel)
    name = s.header(rel)
    if name is None:
        missing.append(rel); continue
    out = os.path.join(dest, "include", rel)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    data = s.read(name)
    with open(out, "wb") as o: o.write(data)
    todo += INC.findall(data.decode("utf-8", "replace"))
if not os.path.isfile(os.path.join(dest, "include", "tensorflow", "c", "c_api.h")):
    sys.exit(f"no include/tensorflow/c/c_api.h in {src}")
print(f"{main_name} {len(seen) - len(missing)} {len(missing)}")
'

prepare_from() { # SOURCE DESCRIPTION
  local tmp="$CACHE/libtensorflow.tmp"
  rm -rf "$tmp"
  local out
  out="$(python3 -c "$EXTRACT" "$1" "$tmp" "$PKG_DIR/binding")" || { rm -rf "$tmp"; fail "could not take libtensorflow from $1 (see above)"; }
  set -- "$1" "$2" $out
  say "took lib/$3, lib/libtensorflow_framework.so.2 and $4 C headers from $1"
  [ "$5" = "0" ] || say "note: $5 headers included under #if branches were not found; the build below shows whether any is needed"
  printf '%s\n' "$2" > "$tmp/SOURCE"
  rm -rf "$PREPARED"
  mv "$tmp" "$PREPARED"
}

mkdir -p "$CACHE"
if [ -n "$SRC_TARBALL" ]; then
  say "unpacking $SRC_TARBALL"
  rm -rf "$CACHE/tarball.tmp" && mkdir -p "$CACHE/tarball.tmp"
  tar -xzf "$SRC_TARBALL" -C "$CACHE/tarball.tmp" || fail "could not unpack $SRC_TARBALL"
  prepare_from "$CACHE/tarball.tmp" "--tarball $SRC_TARBALL"
  rm -rf "$CACHE/tarball.tmp"
elif [ -n "$SRC_LIB" ]; then
  prepare_from "$SRC_LIB" "--lib $SRC_LIB"
elif [ -f "$PREPARED/SOURCE" ]; then
  say "using the library prepared earlier in .cache/tfjs-node (from $(cat "$PREPARED/SOURCE")); no download"
else
  if [ -x "$VENV/bin/python" ]; then PIP_PY="$VENV/bin/python"; else PIP_PY="python3"; fi
  "$PIP_PY" -m pip --version >/dev/null 2>&1 \
    || fail "no pip to fetch $TF_WHEEL: run 'npm run setup' (it creates .venv), or pass --lib DIR / --tarball FILE"
  say "downloading $TF_WHEEL from PyPI (pip download --no-deps; the pip index you configured is used)"
  rm -rf "$CACHE/wheel" && mkdir -p "$CACHE/wheel"
  "$PIP_PY" -m pip download --disable-pip-version-check --no-deps --only-binary=:all: --progress-bar off \
      -d "$CACHE/wheel" "$TF_WHEEL" \
    || fail "pip could not download $TF_WHEEL (see above); check access to PyPI or its mirror, or pass --lib DIR / --tarball FILE"
  WHEEL="$(ls "$CACHE"/wheel/*.whl 2>/dev/null | head -1)"
  [ -n "$WHEEL" ] || fail "pip reported success but left no wheel in $CACHE/wheel"
  say "downloaded $(basename "$WHEEL") ($(du -m "$WHEEL" | cut -f1) MiB); extracting"
  prepare_from "$WHEEL" "PyPI $TF_WHEEL ($(basename "$WHEEL"))"
  # The prepared folder is the cache; the wheel is no longer needed.
  rm -rf "$CACHE/wheel"
fi

# ---------------------------------------------------------------- 3. the binding, built against it
# deps/ is where binding.gyp looks (deps/include, -ltensorflow -ltensorflow_framework from deps/lib, rpath
# $ORIGIN/../../deps/lib). Hard links into the cache cost no space (a copy when they are on other file systems).
DEPS="$PKG_DIR/deps"
rm -rf "$DEPS" "$PKG_DIR/build" "$PKG_DIR"/lib/napi-v*
mkdir -p "$DEPS/lib"
cp -R "$PREPARED/include" "$DEPS/include"
MAIN="$(cd "$PREPARED/lib" && ls | grep -v framework | head -1)"
FRAME="$(cd "$PREPARED/lib" && ls | grep framework | head -1)"
[ -n "$MAIN" ] && [ -n "$FRAME" ] || fail "$PREPARED/lib is incomplete; remove .cache/tfjs-node and rerun"
for f in "$MAIN" "$FRAME"; do
  ln "$PREPARED/lib/$f" "$DEPS/lib/$f" 2>/dev/null || cp "$PREPARED/lib/$f" "$DEPS/lib/$f"
done
# The names binding.gyp links (-ltensorflow -ltensorflow_framework) and the .so.2 names, next to the SONAMEs.
for link in libtensorflow.so libtensorflow.so.2; do
  [ -e "$DEPS/lib/$link" ] || ln -s "$MAIN" "$DEPS/lib/$link"
done
for link in libtensorflow_framework.so libtensorflow_framework.so.2; do
  [ -e "$DEPS/lib/$link" ] || ln -s "$FRAME" "$DEPS/lib/$link"
done
cp "$PREPARED/SOURCE" "$DEPS/SOURCE"

# node-gyp compiles against Node's headers: those installed with this node when present (no download),
# otherwise it fetches them from nodejs.org (or the mirror in npm_config_disturl).
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -f "$NODE_PREFIX/include/node/node_api.h" ]; then
  export npm_config_nodedir="$NODE_PREFIX"
  say "building the binding against Node's headers in $NODE_PREFIX/include/node"
else
  say "building the binding; no Node headers next to $(command -v node), so node-gyp downloads them (set npm_config_nodedir to avoid that)"
fi
LOG="$CACHE/build.log"
B0=$(date +%s)
if ! (cd "$PKG_DIR" && node "$ROOT/node_modules/@mapbox/node-pre-gyp/bin/node-pre-gyp" install --build-from-source) >"$LOG" 2>&1; then
  tail -n 30 "$LOG" >&2
  fail "building the tfjs-node binding failed; the full log is $LOG"
fi
say "built node_modules/@tensorflow/tfjs-node/lib/napi-v*/tfjs_binding.node in $(( $(date +%s) - B0 )) s (log: $LOG)"

# ---------------------------------------------------------------- 4. check that it loads and computes
CHECK='
const tf = require("@tensorflow/tfjs-node");
if (tf.getBackend() !== "tensorflow") throw new Error(`the tensorflow backend was not selected (got ${tf.getBackend()})`);
const close = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-5);
const m = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync();
if (!close(Array.from(m), [19, 22, 43, 50])) throw new Error(`matMul gave ${Array.from(m)}, expected 19,22,43,50`);
// Training needs gradients: d/dx sum(x^2) = 2x.
const g = tf.grad((x) => x.square().sum())(tf.tensor1d([1, -2, 3])).dataSync();
if (!close(Array.from(g), [2, -4, 6])) throw new Error(`gradient gave ${Array.from(g)}, expected 2,-4,6`);
'
# libtensorflow logs a line or two on stderr when it loads (oneDNN, CPU features); shown only when the check fails.
if ! node -e "$CHECK" 2>"$CACHE/check.log"; then
  cat "$CACHE/check.log" >&2
  fail "the built binding does not load or compute correctly (see above); remove .cache/tfjs-node and retry, or try another library with --lib/--tarball"
fi
out="$(node -e "$PROBE" 2>"$CACHE/check.log")" || { cat "$CACHE/check.log" >&2; fail "the built binding does not load (see above)"; }
say "tfjs-node $TFJS_NODE_VERSION works: matMul and a gradient check out on the 'tensorflow' backend"
say "  libtensorflow ${out%% *}, from $(cat "$PREPARED/SOURCE")"
say "  loaded from ${out#* }"
say "  done in $(( $(date +%s) - START )) s; 'auto' now picks it (VAE_BACKEND=wasm selects wasm)"
