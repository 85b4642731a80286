#!/usr/bin/env bash
# Runs every Go fuzz target of the module for FUZZTIME each (default 10s).
# `go test ./...` already replays the committed seed corpora
# (testdata/fuzz/<target>/) and the f.Add seeds; this explores beyond them.
# A failing input is written to testdata/fuzz/<target>/ by Go: commit it
# with the fix, as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
count=0
# Targets are found in the test files rather than with `go test -list`,
# which would compile every package's tests.
for file in $(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | sort); do
  pkg=./$(dirname "$file")
  for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
    echo "-- $pkg $target ($fuzztime)"
    out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" 2>&1) || status=$?
    if [ "${status:-0}" -ne 0 ] && grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
      # Go's fuzzing engine reports "context deadline exceeded" when
      # -fuzztime ends while it is still replaying the corpus on a busy
      # machine: no input failed. Once more.
      echo "   (the corpus replay outlasted $fuzztime; running again)"
      status=0
      out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg" 2>&1) || status=$?
    fi
    if [ "${status:-0}" -ne 0 ]; then
      # The progress lines say nothing; the rest names the input and why.
      grep -v '^fuzz: elapsed' <<<"$out"
      exit 1
    fi
    status=0
    tail -1 <<<"$out"
    count=$((count + 1))
  done
done
if [ "$count" -eq 0 ]; then echo "no fuzz targets found"; exit 1; fi
echo "$count fuzz targets ran for $fuzztime each"
