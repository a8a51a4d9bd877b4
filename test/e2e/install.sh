#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently: Debian's chromium (driven by playwright-core,
# no browser download), and one code-server per leg of test/e2e/legs.json (the newest, and the one whose
# VS Code is engines.vscode's floor) into .e2e/<leg>/ (git-ignored), each installed by the Node major its
# package asks for (engines.node; from the npm registry into .tools/, see scripts/node-runtimes.sh), its
# native modules built against that Node's headers. See DEVELOPERS.md, "Tests".
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/node-runtimes.sh

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
# Headers and tools code-server's native modules build with.
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "e2e: installing ${need_apt[*]} from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The layout before legs (one code-server in .e2e/ itself).
rm -rf .e2e/node_modules .e2e/package.json .e2e/package-lock.json .e2e/install.log

# @vscode/ripgrep (a dependency of code-servers before @vscode/ripgrep-universal, which ships rg) downloads
# rg from GitHub in postinstall unless its cache folder already holds the archive: make it from Debian's rg.
# legs.json names, for such a leg, the @vscode/ripgrep version in its lib/vscode/npm-shrinkwrap.json and the
# asset that version's lib/postinstall.js asks for (ripgrep-<VERSION>-x86_64-unknown-linux-musl.tar.gz).
ripgrep_cache() {
  local package=$1 asset=$2 cache staging
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$package"
  [ -f "$cache/$asset" ] && return
  mkdir -p "$cache"
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar czf "$cache/$asset" -C "$staging" rg
  rm -rf "$staging"
}

# install_leg NAME CODE_SERVER_VERSION NODE_MAJOR [RIPGREP_PACKAGE RIPGREP_ASSET]
install_leg() {
  local name=$1 version=$2 major=$3 dir=".e2e/$1" started marker
  install_node "$major"
  marker="code-server $version, Node $("$(node_home "$major")/bin/node" --version)"
  if [ "$(cat "$dir/installed" 2>/dev/null)" = "$marker" ]; then
    echo "e2e: $name: $marker already installed"
    return
  fi
  if [ -n "${4:-}" ]; then ripgrep_cache "$4" "$5"; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  # allowScripts: npm 11 runs dependency install scripts only for approved packages; code-server needs its own.
  cat > "$dir/package.json" <<JSON
{
  "private": true,
  "dependencies": { "code-server": "$version" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
  echo "e2e: $name: installing code-server $version with Node $major (builds native modules; one to two minutes)"
  started=$SECONDS
  (
    # As from a plain shell: under `npm run test:e2e` the outer npm's variables are config for this one
    # (npm_config_user_agent would name the outer npm's Node, npm_config_prefix its folder).
    for variable in $(compgen -e); do
      case "$variable" in npm_* | NODE) unset "$variable" ;; esac
    done
    # npm itself must run on this Node: code-server's postinstall checks the major in npm's user agent,
    # and node-gyp builds against npm_config_nodedir (the runtime's own headers, set by use_node).
    use_node "$major"
    cd "$dir"
    npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --foreground-scripts --loglevel=error >install.log 2>&1 || { tail -40 install.log; exit 1; }
  )
  echo "$marker" > "$dir/installed"
  echo "e2e: $name: $marker installed in $((SECONDS - started)) s"
}

legs=$(node -e '
  for (const l of require("./test/e2e/legs.json").legs)
    console.log([l.name, l.codeServer, l.node, l.ripgrep?.package ?? "", l.ripgrep?.asset ?? ""].join(" "));
')
while read -r name version major rg_package rg_asset; do
  install_leg "$name" "$version" "$major" $rg_package $rg_asset
done <<<"$legs"
