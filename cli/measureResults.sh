#!/bin/sh
# `npm run results`: measures the quick form of every bench into a temporary folder, then
# `mailsim results` writes docs/results.md from it. Beside each output goes the exact command
# that wrote it. A Stryker report already on disk (reports/mutation/mutation.json, from
# `npm run mutation`) is read too. `mailsim explore` runs every schedule of the small world
# (failure files, if any, go to out/failures/). MAILSIM_RESULTS_DIR keeps the measurements in a folder
# of your choice (add a suite's or sweep's results.jsonl there, then run `mailsim results`).
set -eu
cd "$(dirname "$0")/.."
dir=${MAILSIM_RESULTS_DIR:-$(mktemp -d)}
mkdir -p "$dir"
node -e 'process.stdout.write(JSON.stringify({ dateIso: new Date().toISOString(), loadAverage: require("node:os").loadavg() }))' > "$dir/started.json"

for bench in start store wire merge cluster sweep dsync clients; do
  out="$dir/bench-$bench.json"
  echo "mailsim bench $bench --quick --json" > "$out.command"
  echo "results: mailsim bench $bench --quick --json" >&2
  # A bench that fails leaves its figures out: docs/results.md then says they were not measured.
  npx tsx cli/main.ts bench "$bench" --quick --json > "$out" || { echo "results: bench $bench failed" >&2; rm -f "$out" "$out.command"; }
done

# Every schedule of the small world within depth 10 and both its faults. A schedule not as expected still leaves its summary (exit 1
# or 2, which docs/results.md shows); bad input prints none, and then nothing is kept.
out="$dir/explore-two-servers-depth10.json"
explore="mailsim explore scenarios/explore-two-servers.yaml --depth 10 --faults 2 --json"
echo "$explore" > "$out.command"
echo "results: $explore" >&2
# shellcheck disable=SC2086 # the command's words, split as written
npx tsx cli/main.ts ${explore#mailsim } > "$out" || true
[ -s "$out" ] || { echo "results: explore printed no summary" >&2; rm -f "$out" "$out.command"; }

if [ -f reports/mutation/mutation.json ]; then
  cp -p reports/mutation/mutation.json "$dir/mutation.json"
  echo "npm run mutation" > "$dir/mutation.json.command"
fi

npx tsx cli/main.ts results "$dir" --out docs/results.md
