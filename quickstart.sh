#!/usr/bin/env bash
# The README's two commands:
#   ./quickstart.sh demo   install what is missing, build, run the main job on examples/
#   ./quickstart.sh test   install what is missing, build, run the whole test suite
# Works as root or as a user with sudo, on Debian 12. Re-running is cheap:
# nothing is installed twice and the build is incremental.
set -euo pipefail

mode="${1:-demo}"
case "$mode" in
  demo|test) ;;
  -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
build="${KG_BUILD_DIR:-$here/build}"

# Debian packages kg needs to build and run; the tests add the tools that
# check our outputs (Graphviz, rapper, xmllint) and clang for the fuzzers.
packages=(build-essential cmake ninja-build pkg-config librocksdb-dev libboost-graph-dev
          nlohmann-json3-dev libcli11-dev catch2 graphviz)
if [ "$mode" = test ]; then
  packages+=(raptor2-utils libxml2-utils clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs="$(nproc)"
echo "== building in $build"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs"

kg="$build/cli/kg"
if [ "$mode" = demo ]; then
  db="$build/demo.db"
  rm -rf "$db"
  echo "== kg ingest: the Wikinews story in date order, then the seed article"
  "$kg" --db "$db" ingest examples/wikinews-impeachment.jsonl examples/us-ukraine-rift.txt
  echo "== kg log"
  "$kg" --db "$db" log
  echo "== kg query: who disagrees with whom, and what did Driscoll warn"
  "$kg" --db "$db" query 'MATCH (a)-[r:disagree_with|warn]->(b) RETURN a.name, type(r), b.name, r.support ORDER BY a.name'
  echo "== kg export: the neighbourhood of Marco Rubio, as DOT and SVG"
  "$kg" --db "$db" export --format dot --center "Marco Rubio" --depth 2 > "$build/rubio.dot"
  "$kg" --db "$db" export --format dot > "$build/graph.dot"
  if command -v dot >/dev/null; then
    dot -Tsvg "$build/graph.dot" -o "$build/graph.svg"
    echo "wrote $build/graph.dot, $build/graph.svg and $build/rubio.dot"
  else
    echo "wrote $build/graph.dot and $build/rubio.dot (install graphviz to render them)"
  fi
else
  echo "== ctest"
  (cd "$build" && ctest --output-on-failure -j "$jobs")
  # Fuzz targets run briefly: no crash and no hang on random input.
  for f in bench/*fuzz*.sh bench/*/fuzz*.sh; do
    if [ -x "$f" ]; then
      echo "== $f"
      "$f" "${KG_FUZZ_SECONDS:-45}"
    fi
  done
fi
