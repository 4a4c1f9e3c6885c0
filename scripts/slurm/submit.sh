#!/bin/sh
# Submits a sharded run and its merge to Slurm:
#   sh scripts/slurm/submit.sh N OUT [run options...]
# N tasks of thinkbench-array.sbatch, then thinkbench-merge.sbatch once all of
# them succeeded. Prints the two job ids. Extra sbatch options (a partition,
# an account) go in SBATCH_* variables, which sbatch reads.
set -eu
n=${1:?usage: submit.sh N OUT [run options...]}
out=${2:?usage: submit.sh N OUT [run options...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --array=0-$((n - 1)) "$here/thinkbench-array.sbatch" "$out" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" "$here/thinkbench-merge.sbatch" "$out")
echo "$array ${merge%%;*}"
