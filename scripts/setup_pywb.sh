#!/usr/bin/env bash
# pywb, the replay check's tool, in its own virtual environment: it pins old werkzeug, redis and
# pyOpenSSL and is GPL, so it is never a dependency of the archiver itself.
set -euo pipefail
dir=${1:-.tools/pywb}
if [ -x "$dir/bin/wayback" ] && [ -x "$dir/bin/wb-manager" ]; then
  exit 0
fi
python3 -m venv "$dir"
"$dir/bin/python" -m pip install -q --upgrade pip
"$dir/bin/python" -m pip install -q "pywb==2.10.0"
