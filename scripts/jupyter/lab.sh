#!/usr/bin/env bash
# `npm run lab`: JupyterLab from the project's .venv on notebooks/, TypeScript (tslab) as the default kernel.
# All Jupyter paths point into .venv, so the user's global Jupyter configuration is neither read for kernels
# nor written (trust database, workspaces, runtime files stay in the project).
# Extra arguments go to jupyter lab, e.g. `npm run lab -- --port 9999 --no-browser`.
# VAE_LAB_DIR=<folder> opens another folder of the project instead of notebooks/ (the browser test uses a copy).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/jupyter-lab" ] || [ ! -f "$VENV/share/jupyter/kernels/tslab/kernel.json" ]; then
  echo "lab: .venv with JupyterLab and the tslab kernel is missing; run 'npm run setup' first" >&2
  exit 2
fi
export JUPYTER_PATH="$VENV/share/jupyter"
export JUPYTER_DATA_DIR="$VENV/share/jupyter"
export JUPYTER_CONFIG_DIR="$VENV/etc/jupyter"
export JUPYTER_RUNTIME_DIR="$VENV/share/jupyter/runtime"
# Containers and CI often run as root, which Jupyter refuses without this flag.
EXTRA=()
if [ "$(id -u)" = "0" ]; then EXTRA+=(--allow-root); fi
# scripts/jupyter/jupyter_lab_config.py: saved notebooks keep plotly figures, not plotly's PNG snapshots, so a
# reopened notebook draws the interactive graph.
exec "$VENV/bin/jupyter-lab" "${EXTRA[@]}" \
  --config="$ROOT/scripts/jupyter/jupyter_lab_config.py" \
  --ServerApp.root_dir="${VAE_LAB_DIR:-$ROOT/notebooks}" \
  --MappingKernelManager.default_kernel_name=tslab \
  "$@"
