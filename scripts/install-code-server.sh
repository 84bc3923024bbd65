#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 served to a browser) into test/codeserver/,
# for the integration tier (test/vscode/runInCodeServer.mjs) and the UI tier (test/e2e/runE2e.mjs).
#
# Idempotent; works offline given the npm registry and Debian's apt packages:
#   1. apt packages libkrb5-dev (argon2/kerberos builds), ripgrep (VS Code's search), chromium
#      (the browser playwright-core drives) and fonts-wqy-zenhei (Chinese glyphs for the zh-cn
#      screenshots): installed with apt-get when missing and running as root;
#   2. @vscode/ripgrep's cache is filled from Debian's `rg`, so its postinstall does not try GitHub;
#   3. `npm ci` in test/codeserver/ (root postinstalls need unsafe-perm; node-pty's postinstall runs
#      `npx node-gyp`, which needs yes=true). Skipped when node_modules was already installed from
#      the same lockfile with the same Node (a stamp file holds both).
#
# Usage: bash scripts/install-code-server.sh [--force]
set -euo pipefail

log() { printf '[install-code-server] %s\n' "$*"; }
die() { printf '[install-code-server] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[install-code-server] ERROR: line %s failed (exit %s): %s\n" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (expected --force)" ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CS_DIR="$ROOT/test/codeserver"
LOCK="$CS_DIR/package-lock.json"
STAMP="$CS_DIR/node_modules/.hearth-install-stamp"

# The @vscode/ripgrep release VS Code 1.100.3 depends on, and the rg build it downloads.
RIPGREP_PKG_VERSION="1.15.11"
RIPGREP_RELEASE="v13.0.0-10"

[ -f "$LOCK" ] || die "missing $LOCK"
command -v node >/dev/null || die "node is not on PATH (code-server 4.100.3 needs Node 20)"
command -v npm >/dev/null || die "npm is not on PATH"

NODE_VERSION="$(node -p 'process.versions.node')"
case "$NODE_VERSION" in
  20.*) ;;
  *) log "warning: Node $NODE_VERSION; code-server 4.100.3 declares engines.node 20 and may not work" ;;
esac

# shellcheck source=lib/code-server-common.sh
. "$ROOT/scripts/lib/code-server-common.sh"

# ---------------------------------------------------------------- 1. apt packages
ensure_apt_packages libkrb5-dev ripgrep chromium fonts-wqy-zenhei

# ---------------------------------------------------------------- 2. @vscode/ripgrep cache
case "$(uname -m)" in
  x86_64|amd64) fill_ripgrep_cache "$RIPGREP_PKG_VERSION" "$RIPGREP_RELEASE" "x86_64-unknown-linux-musl" ;;
  aarch64|arm64) fill_ripgrep_cache "$RIPGREP_PKG_VERSION" "$RIPGREP_RELEASE" "aarch64-unknown-linux-musl" ;;
  *) log "warning: no ripgrep cache for $(uname -m); @vscode/ripgrep will try to download rg" ;;
esac

# ---------------------------------------------------------------- 3. npm ci in test/codeserver
want_stamp="lock-sha256=$(sha256sum "$LOCK" | cut -d' ' -f1) node=$NODE_VERSION arch=$(uname -m)"
entry="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ "$FORCE" -eq 0 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] && [ -f "$entry" ]; then
  log "code-server already installed from this lockfile ($want_stamp); skipping npm ci (--force to redo)"
else
  [ "$FORCE" -eq 1 ] && log "--force: reinstalling"
  [ -f "$STAMP" ] && log "stamp differs: '$(cat "$STAMP")' != '$want_stamp'"
  log "npm ci in test/codeserver (code-server 4.100.3; ~45-60 s, ~300 MB)"
  started=$(date +%s)
  rm -f "$STAMP"
  (
    cd "$CS_DIR"
    npm_config_unsafe_perm=true npm_config_yes=true npm ci --no-audit --no-fund
  ) || die "npm ci in $CS_DIR failed (see the npm output above; offline, check the ripgrep cache and libkrb5-dev)"
  [ -f "$entry" ] || die "npm ci finished but $entry is missing"
  printf '%s\n' "$want_stamp" > "$STAMP"
  log "npm ci done in $(( $(date +%s) - started )) s"
fi

# ---------------------------------------------------------------- smoke check
# A throwaway config/XDG home, so the check writes nothing into ~/.config or ~/.local.
smoke_home="$(mktemp -d)"
version="$(XDG_CONFIG_HOME="$smoke_home/config" XDG_DATA_HOME="$smoke_home/data" \
  timeout 60 node "$entry" --config "$smoke_home/config.yaml" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)"
rm -rf "$smoke_home"
case "$version" in
  4.100.3*) log "ok: code-server $version ($entry)" ;;
  *) die "code-server did not report version 4.100.3 (got: '${version:-nothing}'); rerun with --force" ;;
esac
