#!/usr/bin/env bash
# c360 silver stage through spark-submit; environment and options: see jobs/submit.sh. Extra arguments go to `c360 run`.
exec "$(dirname "${BASH_SOURCE[0]}")/submit.sh" silver "$@"
