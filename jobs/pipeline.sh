#!/usr/bin/env bash
# The whole c360 pipeline (bronze, silver, gold in one run) through spark-submit; environment and options: see
# jobs/submit.sh. Extra arguments go to `c360 run`.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" all "$@"
