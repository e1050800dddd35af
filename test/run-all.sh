#!/usr/bin/env bash
# `npm test`: every test, from a fresh clone, as root on Debian 12.
# Brings up what the tests need (npm deps, the bundled Slurm clusters 22.05 and 24.11, code-server + chromium),
# then runs unit, integration and in-VS Code extension tests, then the dev container in Docker, and prints
# each stage's time.
# Every stage runs even when an earlier one failed, so one run shows everything that is wrong.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
OUT="$ROOT/test-output"
mkdir -p "$OUT"

declare -a SUMMARY=()
TOTAL_PASSED=0
TOTAL_FAILED=0
FAILED_STAGES=()

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# run_stage NAME COMMAND... : runs, tees output to test-output/NAME.log, records time and status.
run_stage() {
  local name=$1; shift
  local start; start=$(now)
  echo
  echo "=== stage: $name ==="
  "$@" 2>&1 | tee "$OUT/$name.log"
  local status=${PIPESTATUS[0]}
  local secs; secs=$(elapsed "$start")
  SUMMARY+=("$(printf '%-14s %7ss  %s' "$name" "$secs" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")")")
  [ "$status" -eq 0 ] || FAILED_STAGES+=("$name")
  return "$status"
}

# count_node_tests NAME : adds the pass/fail counts that node's spec reporter printed.
count_node_tests() {
  local log="$OUT/$1.log" p f
  p=$(grep -E '^ℹ pass [0-9]+' "$log" | tail -n1 | awk '{print $3}')
  f=$(grep -E '^ℹ fail [0-9]+' "$log" | tail -n1 | awk '{print $3}')
  TOTAL_PASSED=$((TOTAL_PASSED + ${p:-0}))
  TOTAL_FAILED=$((TOTAL_FAILED + ${f:-0}))
}

count_extension_tests() {
  local line p f
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT/extension.log" | tail -n1)
  p=$(echo "$line" | awk '{print $1}')
  f=$(echo "$line" | awk '{print $3}')
  TOTAL_PASSED=$((TOTAL_PASSED + ${p:-0}))
  TOTAL_FAILED=$((TOTAL_FAILED + ${f:-0}))
}

install_node_deps() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    echo "node_modules up to date"
  fi
}

NODE_TEST=(node --import tsx --test --test-reporter=spec --test-concurrency=1)

run_stage deps install_node_deps || { echo "cannot continue without node_modules"; exit 1; }
run_stage cluster bash .devcontainer/cluster/up.sh
# The second real cluster: Slurm 24.11 in a Debian 13 root (cold ~1 min, cached afterwards).
run_stage cluster-24.11 bash .devcontainer/cluster/up-24.11.sh
# Integration suites parameterised by version run against both; a bed that is not up fails loudly.
export SLURM_WB_BEDS=${SLURM_WB_BEDS:-22.05,24.11}
run_stage vscode-tools bash test/bed/vscode-tools.sh
run_stage static bash -c 'npx tsc -p . --noEmit && npx eslint src test && node esbuild.mjs'
run_stage unit "${NODE_TEST[@]}" test/unit/*.test.ts
count_node_tests unit
run_stage integration "${NODE_TEST[@]}" test/integration/*.test.ts
count_node_tests integration
run_stage extension node --import tsx test/extension/runTest.ts
count_extension_tests
# The README's demo driven in a browser: demo.sh --background on a spare port, submit the sample, see its log.
run_stage demo-ui "${NODE_TEST[@]}" test/extension/demo-ui.test.ts test/extension/submitForm-ui.test.ts
count_node_tests demo-ui
run_stage package npm run --silent package
# "Open in Dev Container" for real: Docker engine (Debian's), stand-in base images where Docker Hub is
# unreachable, `devcontainer up`, a job from the dev container, integration suites inside it, down -v.
run_stage docker bash test/bed/docker-stage.sh
count_node_tests docker

echo
echo "=== summary ==="
printf '%s\n' "${SUMMARY[@]}"
if [ "${#FAILED_STAGES[@]}" -gt 0 ]; then
  echo "failed stages: ${FAILED_STAGES[*]}"
  # A failed stage that ran no test (e.g. the build) still fails the run.
  [ "$TOTAL_FAILED" -gt 0 ] || TOTAL_FAILED=1
fi
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "${#FAILED_STAGES[@]}" -eq 0 ]
