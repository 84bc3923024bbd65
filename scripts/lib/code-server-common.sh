# Shared by scripts/install-code-server.sh and scripts/install-code-server-next.sh (sourced, not run):
# the Debian packages both tiers need, and @vscode/ripgrep's download cache filled from Debian's rg.
# The sourcing script defines log and die first.

# ensure_apt_packages PACKAGE... — installs the packages that are missing (root only), else says how.
# A package counts as present when the file its probe names exists, or dpkg says it is installed.
ensure_apt_packages() {
  local -A probe=(
    [libkrb5-dev]="/usr/include/krb5.h"
    [ripgrep]="/usr/bin/rg"
    [chromium]="/usr/bin/chromium"
    [fonts-wqy-zenhei]="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
  )
  local missing=() pkg
  for pkg in "$@"; do
    if [ -n "${probe[$pkg]:-}" ] && [ -e "${probe[$pkg]}" ]; then continue; fi
    if command -v dpkg-query >/dev/null &&
       [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" = "install ok installed" ]; then
      continue
    fi
    missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt packages present: $*"
  else
    [ "$(id -u)" -eq 0 ] || die "missing apt packages: ${missing[*]}; run as root, or: sudo apt-get install -y ${missing[*]}"
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get on this machine"
    log "installing apt packages: ${missing[*]} (chromium takes ~30 s and ~480 MB)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
  fi
  command -v rg >/dev/null || die "ripgrep (rg) is still not on PATH"
}

# fill_ripgrep_cache PKG_VERSION RELEASE TARGET — puts Debian's rg where @vscode/ripgrep PKG_VERSION's
# postinstall looks before it downloads RELEASE for TARGET from GitHub ($TMPDIR or /tmp, as os.tmpdir()).
fill_ripgrep_cache() {
  local pkg_version="$1" release="$2" target="$3"
  local base="${TMPDIR:-/tmp}"
  local dir="${base%/}/vscode-ripgrep-cache-$pkg_version"
  local archive="$dir/ripgrep-$release-$target.tar.gz"
  if [ -s "$archive" ] && tar -tzf "$archive" 2>/dev/null | grep -qx 'rg'; then
    log "ripgrep cache present: $archive"
    return
  fi
  log "filling ripgrep cache from $(command -v rg): $archive"
  mkdir -p "$dir"
  local staging
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  chmod 755 "$staging/rg"
  tar -czf "$archive.partial" -C "$staging" rg
  mv -f "$archive.partial" "$archive"
  rm -rf "$staging"
}
