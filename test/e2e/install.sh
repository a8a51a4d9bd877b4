#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently, into .e2e/ (git-ignored):
# Debian's chromium (driven by playwright-core, no browser download) and code-server 4.100.3,
# the newest that runs on Node 20 (= VS Code 1.100.3). See DEVELOPERS.md, "End-to-end tests".
set -euo pipefail
cd "$(dirname "$0")/../.."
CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep (a code-server dependency) downloads rg in postinstall unless its cache has the archive.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
# Headers code-server's native modules build against.
for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "e2e: installing ${need_apt[*]} from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x .e2e/node_modules/.bin/code-server ]; then
  echo "e2e: code-server already installed"
  exit 0
fi

cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}"
if [ ! -f "$cache/$RIPGREP_ASSET" ]; then
  mkdir -p "$cache"
  staging=$(mktemp -d)
  cp "$(command -v rg)" "$staging/rg"
  tar czf "$cache/$RIPGREP_ASSET" -C "$staging" rg
  rm -rf "$staging"
fi

mkdir -p .e2e
# allowScripts: npm 11 runs dependency install scripts only for approved packages; code-server needs its own.
cat > .e2e/package.json <<JSON
{
  "private": true,
  "dependencies": { "code-server": "${CODE_SERVER_VERSION}" },
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON
cd .e2e
echo "e2e: installing code-server ${CODE_SERVER_VERSION} (builds native modules; about a minute)"
npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir="${npm_config_nodedir:-/usr}" \
  npm install --no-audit --no-fund --foreground-scripts --loglevel=error >install.log 2>&1 || { tail -40 install.log; exit 1; }
./node_modules/.bin/code-server --version | head -1
