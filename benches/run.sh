#!/usr/bin/env bash
# The scaling benchmark: generates synthetic sites of N recommendations
# (benches/gen_site.rs), builds each with the release binary into an empty
# folder, then once more unchanged, and reports wall time, CPU time, pages
# per second, output size and peak memory (GNU time's maximum resident set),
# and how each grows from one size to the next.
#
#   benches/run.sh                    # N = 1000 10000 100000
#   benches/run.sh 1000 5000          # other sizes
#   BENCH_DIR=/big/disk benches/run.sh
#
# Needs GNU time (`apt-get install time`). Sites and outputs go to
# $BENCH_DIR (default /tmp/lotrinh-bench); the 100,000 site needs about
# 4 GB of disk. Results are printed as a Markdown table for
# benches/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 100000)
dir=${BENCH_DIR:-/tmp/lotrinh-bench}
mkdir -p "$dir"

if [ ! -x /usr/bin/time ]; then
  echo "GNU time is needed: apt-get install time" >&2
  exit 2
fi

cargo build --release --quiet --bin lotrinh --example gen-site
bin=target/release/lotrinh
gen=target/release/examples/gen-site

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), lotrinh $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| N recs | data MB | pages | files | wall s | CPU s | pages/s (wall) | pages/CPU-s | peak MB | output MB | rebuild s | rebuild peak MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

# One build: prints "wall cpu peak_kb pages files".
measure() {
  local log=$dir/time.log
  /usr/bin/time -f '%e %U %S %M' -o "$log" "$bin" build --root "$1" --out "$2" 2> "$dir/build.err" || {
    cat "$dir/build.err" >&2
    exit 1
  }
  local pages files
  pages=$(sed -n 's/^built \([0-9]*\) pages, \([0-9]*\) files.*/\1/p' "$dir/build.err")
  files=$(sed -n 's/^built \([0-9]*\) pages, \([0-9]*\) files.*/\2/p' "$dir/build.err")
  awk -v p="$pages" -v f="$files" '{ printf "%s %.2f %s %s %s\n", $1, $2 + $3, $4, p, f }' "$log"
}

prev=""
growths=()
for n in "${sizes[@]}"; do
  site=$dir/site-$n
  out=$dir/out-$n
  "$gen" "$n" "$site"
  rm -rf "$out"
  read -r wall cpu peak pages files < <(measure "$site" "$out")
  read -r rwall _ rpeak _ _ < <(measure "$site" "$out")
  data_mb=$(du -sbm "$site/data" | cut -f1)
  out_mb=$(du -sbm "$out" | cut -f1)
  awk -v n="$n" -v d="$data_mb" -v p="$pages" -v f="$files" -v w="$wall" -v c="$cpu" \
      -v m="$peak" -v o="$out_mb" -v rw="$rwall" -v rm="$rpeak" 'BEGIN {
    printf "| %d | %d | %d | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %d | %.2f | %.0f |\n",
      n, d, p, f, w, c, p / w, p / c, m / 1024, o, rw, rm / 1024 }'
  if [ -n "$prev" ]; then
    read -r pn pw pc pm po <<< "$prev"
    growth=$(awk -v pn="$pn" -v n="$n" -v pw="$pw" -v w="$wall" -v pc="$pc" -v c="$cpu" \
        -v pm="$pm" -v m="$peak" -v po="$po" -v o="$out_mb" 'BEGIN {
      printf "growth %d → %d (×%.0f data): wall ×%.1f, CPU ×%.1f, peak memory ×%.1f, output ×%.1f",
        pn, n, n / pn, w / pw, c / pc, m / pm, o / (po > 0 ? po : 1) }')
    growths+=("$growth")
  fi
  prev="$n $wall $cpu $peak $out_mb"
done
echo
for g in "${growths[@]:-}"; do [ -n "$g" ] && echo "$g"; done
