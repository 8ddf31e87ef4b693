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
#   OUT_DIR=/tmp/lotrinh-out benches/run.sh   # output on disk
#
# Needs GNU time (`apt-get install time`). Sites go to $BENCH_DIR (default
# /tmp/lotrinh-bench). Output goes to $OUT_DIR, by default a folder in
# /dev/shm (memory), so the figures measure lotrinh and not the disk: on a
# virtual machine, creating 27,000 files took from 0.8 s to 15 s of kernel
# time from one run to the next. The 100,000 site's output is about 4 GB.
# LOTRINH_PROFILE=1 is set, so each build's log (in $BENCH_DIR) has the
# time and memory of each phase. Results are printed as a Markdown table for
# benches/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 100000)
dir=${BENCH_DIR:-/tmp/lotrinh-bench}
mkdir -p "$dir"
if [ -z "${OUT_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  OUT_DIR=/dev/shm/lotrinh-bench-out
fi
outs=${OUT_DIR:-$dir}
mkdir -p "$outs"
export LOTRINH_PROFILE=1

if [ ! -x /usr/bin/time ]; then
  echo "GNU time is needed: apt-get install time" >&2
  exit 2
fi

cargo build --release --quiet --bin lotrinh --example gen-site
bin=target/release/lotrinh
gen=target/release/examples/gen-site

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo) RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), lotrinh $(git rev-parse --short HEAD 2>/dev/null || echo '?'), output in $outs ($(df --output=fstype "$outs" | tail -1))"
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
  cp "$dir/build.err" "$dir/build-$(basename "$1")-$(date +%s%N).log"
  local pages files
  pages=$(sed -n 's/^built \([0-9]*\) pages, \([0-9]*\) files.*/\1/p' "$dir/build.err")
  files=$(sed -n 's/^built \([0-9]*\) pages, \([0-9]*\) files.*/\2/p' "$dir/build.err")
  awk -v p="$pages" -v f="$files" '{ printf "%s %.2f %s %s %s\n", $1, $2 + $3, $4, p, f }' "$log"
}

prev=""
growths=()
for n in "${sizes[@]}"; do
  site=$dir/site-$n
  out=$outs/out-$n
  "$gen" "$n" "$site"
  rm -rf "$out"
  sync
  read -r wall cpu peak pages files < <(measure "$site" "$out")
  read -r rwall _ rpeak _ _ < <(measure "$site" "$out")
  data_mb=$(du -sbm "$site/data" | cut -f1)
  out_mb=$(du -sbm "$out" | cut -f1)
  rm -rf "$out"  # in memory when on /dev/shm
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
