#!/bin/sh
# Presents the solc-js compiler from node_modules as a native `solc` to forge.
# forge asks for `--version`, then sends standard JSON on stdin with every source's content inline;
# its other arguments (--allow-paths and the like) are not understood by solc-js and are not needed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case " $* " in
  *" --version "*)
    echo "solc, the solidity compiler commandline interface"
    echo "Version: $(node "$here/node_modules/solc/solc.js" --version)"
    exit 0 ;;
esac
in=$(mktemp)
out=$(mktemp)
trap 'rm -f "$in" "$out"' EXIT
# Both ends go through files: solc-js reads stdin with one synchronous read, which fails with EAGAIN on a
# non-blocking pipe, and node's process.exit would cut a large piped output short.
cat > "$in"
node "$here/node_modules/solc/solc.js" --standard-json < "$in" > "$out"
# solc-js may print notes starting with '>>>' before the JSON.
sed '/^>>> /d' "$out"
