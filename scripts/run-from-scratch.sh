#!/usr/bin/env bash
# The README's "set up and run Hearth" command: installs dependencies, packages Hearth as a .vsix
# for this platform and opens it in code-server (VS Code in the browser, from npm) on
# http://127.0.0.1:${HEARTH_PORT:-8080}. Ctrl+C stops it.
#
# Everything it writes lives under HEARTH_RUN_DIR (default: .hearth-run/ in this clone, which git
# ignores): code-server's config, user data and extensions, Hearth's own folder (HEARTH_HOME: models,
# conversations, indexes), npm's cache and the XDG config/data/cache folders of every program it
# starts. Nothing is written into your home folder. Set HEARTH_HOME to use a model store you already
# have (e.g. ~/.hearth).
#
# Usage: bash scripts/run-from-scratch.sh [FOLDER]
#   FOLDER   the folder to open (default: a small sample workspace created under HEARTH_RUN_DIR)
#   --vscode install the .vsix into your own VS Code instead (`code` on PATH; this one writes into
#            VS Code's extensions folder in your home, as any extension install does)
# Env: HEARTH_RUN_DIR, HEARTH_PORT (8080), HEARTH_HOME, HEARTH_RUN_SKIP_BUILD=1 (use the newest
#      hearth-*.vsix already here instead of running npm ci and packaging).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$PWD"

log() { printf '[run] %s\n' "$*"; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

into_vscode=0
folder=""
for arg in "$@"; do
  case "$arg" in
    --vscode) into_vscode=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) die "unknown option $arg (expected --vscode, or a folder to open)" ;;
    *) [ -z "$folder" ] || die "give one folder to open, not several ($folder, $arg)"; folder="$arg" ;;
  esac
done
if [ -n "$folder" ]; then
  [ -d "$folder" ] || die "$folder is not a folder: give an existing folder to open, or none for the sample workspace"
  folder="$(cd "$folder" && pwd)"
fi

run="${HEARTH_RUN_DIR:-$repo/.hearth-run}"
mkdir -p "$run"
run="$(cd "$run" && pwd)"
# Every program started from here keeps its files under $run, not in $HOME.
export XDG_CONFIG_HOME="$run/xdg/config" XDG_DATA_HOME="$run/xdg/data" XDG_CACHE_HOME="$run/xdg/cache" XDG_STATE_HOME="$run/xdg/state"
export npm_config_cache="${npm_config_cache:-$run/npm-cache}"
export HEARTH_HOME="${HEARTH_HOME:-$run/hearth-home}"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$HEARTH_HOME"

if [ "${HEARTH_RUN_SKIP_BUILD:-0}" != "1" ]; then
  npm ci --no-audit --no-fund
  npm run package
fi
vsix="$(ls -t hearth-*.vsix 2>/dev/null | head -1 || true)"
[ -n "$vsix" ] || die "no hearth-*.vsix here: run without HEARTH_RUN_SKIP_BUILD=1 to package one"
log "packaged $vsix"

if [ "$into_vscode" = "1" ]; then
  command -v code >/dev/null 2>&1 || die "the code command is not on PATH: install VS Code's shell command, or run without --vscode to use code-server"
  code --install-extension "$vsix" --force
  log "installed into VS Code: reload its window, then open the Hearth view in the activity bar."
  exit 0
fi

# A small workspace to try Hearth on: two languages and a README (kept as you leave it).
if [ -z "$folder" ]; then
  folder="$run/sample-workspace"
  if [ ! -e "$folder" ]; then
    mkdir -p "$folder/src"
    cat > "$folder/README.md" <<'EOF'
# Sample workspace

A small project to try Hearth on. Open the **Hearth** view in the activity bar, get a model
(the walkthrough's *Download Recommended Model*), then:

- ask about `src/prices.py` in the chat, or select lines and run **Hearth: Ask About Selection**;
- run **Hearth: Review File** on `src/cart.ts` (it has a bug to find);
- run **Hearth: Index Workspace** and ask with `@workspace` how a cart's total is computed.
EOF
    cat > "$folder/src/prices.py" <<'EOF'
"""Prices with tax and discounts."""

TAX_RATE = 0.2


def with_tax(net: float) -> float:
    """The gross price of a net price."""
    return round(net * (1 + TAX_RATE), 2)


def discounted(price: float, percent: float) -> float:
    """The price after a discount of `percent` (0 to 100)."""
    if not 0 <= percent <= 100:
        raise ValueError(f"discount {percent}% is not between 0 and 100")
    return round(price * (100 - percent) / 100, 2)
EOF
    cat > "$folder/src/cart.ts" <<'EOF'
export interface Item {
  name: string;
  price: number;
  quantity: number;
}

/** The cart's total: each item's price times its quantity. */
export function total(items: Item[]): number {
  let sum = 0;
  for (let i = 0; i <= items.length; i++) {
    sum += items[i].price * items[i].quantity;
  }
  return sum;
}
EOF
    log "created a sample workspace in $folder"
  fi
fi

bash scripts/install-code-server.sh
cs="test/codeserver/node_modules/.bin/code-server"
mkdir -p "$run/code-server/extensions" "$run/code-server/user-data/User"
config="$run/code-server/config.yaml"
[ -f "$config" ] || printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "${HEARTH_PORT:-8080}" > "$config"
cs_args=(--config "$config" --extensions-dir "$run/code-server/extensions" --user-data-dir "$run/code-server/user-data")
"$cs" "${cs_args[@]}" --install-extension "$vsix" --force
port="${HEARTH_PORT:-8080}"
log "everything this run writes is under $run (Hearth's models and conversations in $HEARTH_HOME)"
log "open http://127.0.0.1:$port in a browser (Ctrl+C stops code-server); workspace: $folder"
exec "$cs" "${cs_args[@]}" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check "$folder"
