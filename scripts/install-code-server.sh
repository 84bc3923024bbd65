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

# ---------------------------------------------------------------- 1. apt packages
# package name -> a file that proves it is installed (dpkg-query is the fallback check).
declare -A APT_PROBE=(
  [libkrb5-dev]="/usr/include/krb5.h"
  [ripgrep]="/usr/bin/rg"
  [chromium]="/usr/bin/chromium"
  [fonts-wqy-zenhei]="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
)
missing=()
for pkg in libkrb5-dev ripgrep chromium fonts-wqy-zenhei; do
  if [ -e "${APT_PROBE[$pkg]}" ]; then continue; fi
  if command -v dpkg-query >/dev/null &&
     [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" = "install ok installed" ]; then
    continue
  fi
  missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  log "apt packages present: libkrb5-dev ripgrep chromium fonts-wqy-zenhei"
else
  if [ "$(id -u)" -ne 0 ]; then
    die "missing apt packages: ${missing[*]}; run as root, or: sudo apt-get install -y ${missing[*]}"
  fi
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get on this machine"
  log "installing apt packages: ${missing[*]} (chromium takes ~30 s and ~480 MB)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
fi
command -v rg >/dev/null || die "ripgrep (rg) is still not on PATH"

# ---------------------------------------------------------------- 2. @vscode/ripgrep cache
case "$(uname -m)" in
  x86_64|amd64) RG_TARGET="x86_64-unknown-linux-musl" ;;
  aarch64|arm64) RG_TARGET="aarch64-unknown-linux-musl" ;;
  *) RG_TARGET="" ;;
esac
if [ -n "$RG_TARGET" ]; then
  # @vscode/ripgrep uses os.tmpdir(), i.e. $TMPDIR or /tmp.
  TMP_BASE="${TMPDIR:-/tmp}"
  TMP_BASE="${TMP_BASE%/}"
  RG_CACHE_DIR="$TMP_BASE/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
  RG_ARCHIVE="$RG_CACHE_DIR/ripgrep-$RIPGREP_RELEASE-$RG_TARGET.tar.gz"
  if [ -s "$RG_ARCHIVE" ] && tar -tzf "$RG_ARCHIVE" 2>/dev/null | grep -qx 'rg'; then
    log "ripgrep cache present: $RG_ARCHIVE"
  else
    log "filling ripgrep cache from $(command -v rg): $RG_ARCHIVE"
    mkdir -p "$RG_CACHE_DIR"
    staging="$(mktemp -d)"
    cp "$(command -v rg)" "$staging/rg"
    chmod 755 "$staging/rg"
    tar -czf "$RG_ARCHIVE.partial" -C "$staging" rg
    mv -f "$RG_ARCHIVE.partial" "$RG_ARCHIVE"
    rm -rf "$staging"
  fi
else
  log "warning: no ripgrep cache for $(uname -m); @vscode/ripgrep will try to download rg"
fi

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
