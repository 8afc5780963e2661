#!/usr/bin/env bash
# Runs c360 pipeline stages through spark-submit:  jobs/submit.sh bronze|silver|gold|all [c360 run options...]
# The stage wrappers (bronze.sh, silver.sh, gold.sh, pipeline.sh) call this; orchestrators call those.
#
# Environment (all optional):
#   SPARK_SUBMIT       the spark-submit to run (default: $SPARK_HOME/bin/spark-submit, else spark-submit on PATH)
#   SPARK_HOME         see SPARK_SUBMIT
#   SPARK_MASTER       --master: spark://host:7077, yarn, k8s://https://host:6443, local[*] (default: spark-defaults.conf)
#   SPARK_DEPLOY_MODE  --deploy-mode: client (spark-submit's default) or cluster
#   C360_JAR           the application jar (default: target/c360-spark-submit.jar of this checkout); a URI such as
#                      local:///opt/c360/c360-spark-submit.jar, hdfs://... or s3a://... is passed on as is
#   C360_CONFIG        the run configuration (default: conf/c360.yaml of this checkout). It and the definition folders it
#                      names (bronze/, silver/, gold/) are read by the driver only, so they must exist where the driver runs
#   C360_SUBMIT_ARGS   more spark-submit options, split on spaces, e.g.
#                      "--executor-memory 4g --num-executors 4 --conf spark.sql.shuffle.partitions=200"
# Arguments after the stage go to `c360 run`, e.g. --as-of 2026-11-01 or --retrain.
# Exit code: spark-submit's. In client mode that is the driver's: 0 success, 1 failure (the run log says which), 2 usage.
set -euo pipefail

jobs_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
c360_home="$(dirname "$jobs_dir")"

die() { echo "c360 jobs: error: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: $(basename "$0") bronze|silver|gold|all [c360 run options...]"
stage=$1
shift
case "$stage" in
  bronze|silver|gold|all) ;;
  *) die "unknown stage '$stage'; expected bronze, silver, gold or all" ;;
esac

if [ -n "${SPARK_SUBMIT:-}" ]; then
  submit=$SPARK_SUBMIT
elif [ -n "${SPARK_HOME:-}" ]; then
  submit=$SPARK_HOME/bin/spark-submit
else
  submit=spark-submit
fi
command -v "$submit" >/dev/null 2>&1 || die "spark-submit not found ('$submit'); set SPARK_HOME or SPARK_SUBMIT"

jar=${C360_JAR:-$c360_home/target/c360-spark-submit.jar}
case "$jar" in
  *://*) ;;
  *) [ -f "$jar" ] || die "application jar $jar not found; build it (mvn -B -DskipTests package) or set C360_JAR" ;;
esac
config=${C360_CONFIG:-$c360_home/conf/c360.yaml}

args=(--class io.c360.cli.C360 --name "c360-$stage")
if [ -n "${SPARK_MASTER:-}" ]; then
  args+=(--master "$SPARK_MASTER")
fi
if [ -n "${SPARK_DEPLOY_MODE:-}" ]; then
  args+=(--deploy-mode "$SPARK_DEPLOY_MODE")
fi
# c360 registers its tables in the session's own catalog; keep them out of a cluster-wide Hive metastore that
# spark-defaults.conf may switch on (C360_SUBMIT_ARGS may set it back: the last --conf wins).
args+=(--conf spark.sql.catalogImplementation=in-memory)
if [ -n "${C360_SUBMIT_ARGS:-}" ]; then
  # shellcheck disable=SC2206 # a list of options: split on spaces on purpose
  args+=($C360_SUBMIT_ARGS)
fi

exec "$submit" "${args[@]}" "$jar" run --stage "$stage" --config "$config" "$@"
