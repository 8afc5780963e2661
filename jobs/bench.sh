#!/usr/bin/env bash
# Benchmarks c360 end to end at several sizes: one `c360 bench` per size (a fresh generation, a fresh
# lake, bronze -> silver -> gold, evaluation against the generator's truth), each run's Markdown row
# appended to one file and its JSON document kept beside it. Runs on a fresh clone: bin/c360 builds the
# jar first when it is missing.
#
#   jobs/bench.sh [--out FILE] [--seed S] [--note TEXT] [--profile] [PERSONS ...]
#
# PERSONS default to 1300 13000 130000: about 10k, 100k and 1M source records (the generator writes
# about 7.7 records per person). --out defaults to work/bench/results.md; the JSON documents go to
# work/bench/<UTC time>-<persons>.json beside it. The driver heap is $C360_DRIVER_MEMORY, by default
# half the machine's memory, at least 4g (docs/BENCHMARKS.md, "Resource use").
# Exit code 1 when any size failed. See docs/BENCHMARKS.md.
set -euo pipefail

C360_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$C360_HOME/work/bench/results.md"
seed=42
note=""
profile=()
sizes=()

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --note) note="$2"; shift 2 ;;
    --profile) profile=(--profile); shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || { echo "bench.sh: persons must be a number, got '$1'" >&2; exit 2; }
       sizes+=("$1"); shift ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1300 13000 130000)

if [ -z "${C360_DRIVER_MEMORY:-}" ]; then
  total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
  half_gb=$(( total_kb / 1024 / 1024 / 2 ))
  export C360_DRIVER_MEMORY="$(( half_gb < 4 ? 4 : half_gb ))g"
fi

mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
failed=()
for persons in "${sizes[@]}"; do
  json="$(dirname "$out")/$(date -u +%Y%m%dT%H%M%SZ)-$persons.json"
  echo "[bench] $persons persons, seed $seed, driver heap $C360_DRIVER_MEMORY -> $out, $json" >&2
  if ! "$C360_HOME/bin/c360" bench --persons "$persons" --seed "$seed" --markdown "$out" --json "$json" \
      ${note:+--note "$note"} "${profile[@]}"; then
    failed+=("$persons")
  fi
done

echo "[bench] results: $out" >&2
if [ ${#failed[@]} -gt 0 ]; then
  echo "[bench] failed: ${failed[*]} persons" >&2
  exit 1
fi
