#!/usr/bin/env bash
# The README's "set up and run Hearth" command: installs dependencies, packages Hearth as a
# .vsix for this platform and installs it —
#   - into VS Code when the `code` command is on PATH (reload the window afterwards);
#   - otherwise into code-server (VS Code in the browser, from npm), started on
#     http://127.0.0.1:${HEARTH_PORT:-8080} with this folder open. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm ci --no-audit --no-fund
npm run package
vsix="$(ls -t hearth-*.vsix | head -1)"
echo "[run] packaged $vsix"

if command -v code >/dev/null 2>&1; then
  code --install-extension "$vsix" --force
  echo "[run] installed into VS Code: reload its window, then open the Hearth view in the activity bar."
  exit 0
fi

bash scripts/install-code-server.sh
home="${HEARTH_RUN_DIR:-$HOME/.hearth-code-server}"
mkdir -p "$home/extensions" "$home/user-data/User"
cs="test/codeserver/node_modules/.bin/code-server"
"$cs" --extensions-dir "$home/extensions" --user-data-dir "$home/user-data" --install-extension "$vsix" --force
port="${HEARTH_PORT:-8080}"
echo "[run] open http://127.0.0.1:$port in a browser (Ctrl+C stops code-server)"
exec "$cs" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --extensions-dir "$home/extensions" --user-data-dir "$home/user-data" "${HEARTH_WORKSPACE:-$PWD}"
