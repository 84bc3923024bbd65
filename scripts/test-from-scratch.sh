#!/usr/bin/env bash
# Sets up a fresh machine and runs every test tier: the README's "set up and test" command,
# and exactly what .ci/run runs on a clean clone.
#   1. root dependencies (`npm ci`: node-llama-cpp with its prebuilt llama.cpp, esbuild, mocha…);
#   2. Debian packages (as root: chromium, ripgrep, libkrb5-dev) and code-server 4.100.3 in
#      test/codeserver/ (scripts/install-code-server.sh), and code-server 4.104.0 with its Node 22
#      in test/codeserver-next/ (scripts/install-code-server-next.sh);
#   3. `npm test`: build, typecheck, unit, VS Code integration (1.100 and 1.104), end-to-end UI,
#      packaged .vsix;
#      its last line is `N passed, N failed`.
# Needs Node 20, the npm registry and Debian's packages; nothing else from the network.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$(date +%s)
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  echo "[test-from-scratch] Node $(node -v) found; Hearth's test setup targets Node 20 (code-server 4.100.3 needs it)." >&2
fi

echo "[test-from-scratch] npm ci"
npm ci --no-audit --no-fund

echo "[test-from-scratch] Debian packages and code-server"
bash scripts/install-code-server.sh
bash scripts/install-code-server-next.sh

echo "[test-from-scratch] npm test"
status=0
npm test || status=$?
echo "[test-from-scratch] finished in $(( $(date +%s) - started )) s with exit code $status"
exit "$status"
