#!/usr/bin/env bash
# Regenerates the README pictures in docs/img/ from examples/:
#   docs/img/examples.svg, .png  the graph of the examples (kg export)
#   docs/img/diff.svg            what the last article changed (kg diff)
#   docs/img/growth.svg          entities and facts per article (kg stats --plot)
# Usage: examples/render.sh [BUILD_DIR]   (default: $KG_BUILD_DIR or ./build;
# builds the kg target there if it is missing). Needs Graphviz for svg/png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${KG_BUILD_DIR:-$root/build}}"
kg="$build/cli/kg"
if [ ! -x "$kg" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target kg
fi
command -v dot >/dev/null || { echo "render.sh: Graphviz 'dot' is needed (apt-get install graphviz)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
db="$work/kg.db"
img="$root/docs/img"
mkdir -p "$img"

# The Wikinews story in date order, then the seed article: the graph grows per article.
"$kg" --quiet --db "$db" ingest "$root/examples/wikinews-impeachment.jsonl" "$root/examples/us-ukraine-rift.txt"
last="$("$kg" --db "$db" log --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["seq"])' 2>/dev/null || echo 6)"

"$kg" --quiet --db "$db" export --format svg --min-support 1 --max-nodes 45 --out "$img/examples.svg"
"$kg" --quiet --db "$db" export --format png --min-support 1 --max-nodes 45 --out "$img/examples.png"
"$kg" --quiet --db "$db" diff "$((last - 1))" "$last" --format svg --out "$img/diff.svg"
"$kg" --quiet --db "$db" stats --plot "$img/growth.svg" >/dev/null
echo "render.sh: wrote $img/examples.svg, examples.png, diff.svg, growth.svg"
