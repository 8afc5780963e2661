#!/usr/bin/env bash
# Benchmarks a day's delivery on a kept lake: day 1 is a `c360 bench` run (a fresh generation of
# PERSONS persons, bronze -> silver -> gold, evaluation), whose lake and landing are kept; day 2 lands
# the extracts of NEW other persons beside day 1's in the same landing folders and runs the pipeline
# again, as an orchestrator's next daily run would: bronze ingests only the new files, silver resolves
# incrementally with the saved model, gold rebuilds what they touch. Then the day-2 lake is evaluated
# against the truth of both days. Runs on a fresh clone: bin/c360 builds the jar first when it is missing.
#
#   jobs/bench-daily.sh [--work DIR] [--seed S] [PERSONS [NEW]]
#
# PERSONS default to 130000 (about 1M source records), NEW to 1% of them. --work (default
# work/bench-daily) must be absent or empty; it keeps day1/ (lake and landing), day2/ (the new
# extracts), the run configuration and the logs: day1.json (the bench document), day2.log (the
# pipeline's report, with each stage's wall time) and day2-evaluation.json. Day 2's persons are
# generated with seed S+1 and their truth renamed (person_id Q... instead of P...) so that no new
# person passes for an old one. The driver heap is $C360_DRIVER_MEMORY, by default half the
# machine's memory, at least 4g. See docs/BENCHMARKS.md.
set -euo pipefail

C360_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$C360_HOME/work/bench-daily"
seed=42
args=()

while [ $# -gt 0 ]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench-daily.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || { echo "bench-daily.sh: persons must be a number, got '$1'" >&2; exit 2; }
       args+=("$1"); shift ;;
  esac
done
persons="${args[0]:-130000}"
new="${args[1]:-$(( persons / 100 > 0 ? persons / 100 : 1 ))}"
if [ -e "$work" ] && [ -n "$(ls -A "$work")" ]; then
  echo "bench-daily.sh: $work is not empty; name another --work or delete it" >&2
  exit 2
fi

if [ -z "${C360_DRIVER_MEMORY:-}" ]; then
  total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
  half_gb=$(( total_kb / 1024 / 1024 / 2 ))
  export C360_DRIVER_MEMORY="$(( half_gb < 4 ? 4 : half_gb ))g"
fi
mkdir -p "$work"
work="$(cd "$work" && pwd)"
c360="$C360_HOME/bin/c360"

echo "[bench-daily] day 1: $persons persons, seed $seed, driver heap $C360_DRIVER_MEMORY -> $work/day1" >&2
"$c360" bench --persons "$persons" --seed "$seed" --keep --work "$work/day1" --json "$work/day1.json"

# The shipped run configuration, pointed at the kept lake and landing (definitions stay the shipped ones).
sed -e "s#^  root: .*#  root: $work/day1/lake#" \
    -e "s#^landing: .*#landing: $work/day1/landing#" \
    -e "s#^reports: .*#reports: $work/reports#" \
    -e "s#: \.\./\(bronze\|silver\|gold\)#: $C360_HOME/\1#" \
    "$C360_HOME/conf/c360.yaml" > "$work/c360.yaml"
grep -q "^  root: $work/day1/lake" "$work/c360.yaml" && grep -q "^landing: $work/day1/landing" "$work/c360.yaml" || {
  echo "bench-daily.sh: conf/c360.yaml no longer has the 'root:' and 'landing:' lines this script rewrites" >&2
  exit 1
}

# Day 2's extracts, dated the day after day 1's (2026-11-01, see docs/GENERATOR.md); the run measures gold
# as of the end of that day, as the bench did for day 1.
"$c360" generate --persons "$new" --seed "$(( seed + 1 ))" --as-of 2026-11-02 --out "$work/day2" -c "$work/c360.yaml" >&2
# Every part the generator wrote (contacts_00000.csv ...) lands as contacts_day2_00000.csv ...; the truth's
# person ids (and twins') become Q... so that no day-2 person is taken for the day-1 person of that number.
(cd "$work/day2" && find . -type f -name '*_[0-9][0-9][0-9][0-9][0-9].*' ! -path './_truth/*') | while read -r f; do
  cp "$work/day2/$f" "$work/day1/landing/$(dirname "$f")/$(basename "$f" | sed 's/_\([0-9]\{5\}\)\./_day2_\1./')"
done
for f in "$work"/day2/_truth/truth_*.csv; do
  sed 's/,P\([0-9]*\)$/,Q\1/' "$f" > "$work/day1/landing/_truth/$(basename "$f" | sed 's/^truth_/truth_day2_/')"
done
for f in "$work"/day2/_truth/persons_*.csv; do
  awk -F, 'BEGIN { OFS = "," } NR > 1 { sub(/^P/, "Q", $1); sub(/^P/, "Q", $3) } { print }' "$f" \
    > "$work/day1/landing/_truth/$(basename "$f" | sed 's/^persons_/persons_day2_/')"
done

echo "[bench-daily] day 2: $new new persons -> $work/day2.log" >&2
start_ms=$(( $(date +%s%N) / 1000000 ))
"$c360" run --stage all -c "$work/c360.yaml" --as-of 2026-11-02 | tee "$work/day2.log"
took_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
echo "[bench-daily] day 2 run: $(( took_ms / 1000 )).$(( took_ms % 1000 / 100 )) s wall, JVM start included" | tee -a "$work/day2.log" >&2
"$c360" evaluate --json -c "$work/c360.yaml" > "$work/day2-evaluation.json"
echo "[bench-daily] day 2 evaluation: $work/day2-evaluation.json" >&2
