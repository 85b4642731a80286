#!/usr/bin/env bash
# Measures d1lint's speed against the targets of the issues:
#   - render: the d1 corpus (../shared/corpus/d1, laid out with its mkrepos.sh)
#     under 300 ms; a synthetic 100-cluster x 20-namespace fleet under 10 s
#     and 1 GiB peak memory (internal/render: the render alone;
#     internal/engine: render, schema validation and locate, as build runs);
#   - schema validation: under 150 ms added to the d1 corpus, under 5 s to the
#     100-cluster fleet (a fresh bundle and compile each iteration);
#   - rule evaluation (rules/ benchmarks);
#   - check on the d1 corpus as a process under 0.5 s, and the pre-push hook
#     on an unchanged fleet under 1 s (the second run replays the cache);
#   - diff (uncommitted changes) and diff --promote on the d1 corpus as a
#     process under 1 s each;
#   - audit (check, promotion drift, report.html) of the synthetic
#     100-cluster fleet under 30 s;
#   - ResourceSets and OCI artifacts (docs/resourcesets.md, docs/oci.md):
#     check of the d2 corpus (../shared/corpus/d2) as a process under 0.5 s;
#   - a thousand clusters (docs/cache.md): check of 1000 synthetic clusters
#     cold under 20 s and 1.5 GiB; warm with one file of d1-apps changed
#     under 3 s; the d1 corpus cold 15x faster than d1's vet.sh, warm under
#     0.1 s;
#   - charts (docs/helm.md): check on the d1 corpus with the corpus's chart
#     cache at most 3x the check without it (cold, and warm: chart renders
#     read from the persistent cache, docs/cache.md), and check of the synthetic
#     100-cluster fleet with its charts at most 1.5x without them, each pair
#     measured interleaved in one run;
#   - sharding (docs/output.md): check --shard 1/4 of a synthetic 1000-cluster
#     fleet at most 30% of the whole check (interleaved, persistent cache
#     off), the merge of its 4 shards, and the merged report the whole check's.
# Usage: scripts/bench.sh [BENCHTIME]   (default 10x)
#        D1LINT_BASELINE=BINARY scripts/bench.sh   (also times BINARY's check
#        of the d1 corpus, interleaved with this one's with charts)
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-10x}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The runs below use a persistent cache of their own (docs/cache.md), never
# the user's: cold and warm figures are then what they say.
export XDG_CACHE_HOME="$work/xdg"

echo "== go test -bench (in-process, GOGC as the CLI sets it)"
go test ./internal/render/ -run '^$' -bench . -benchtime "$benchtime"
go test ./internal/engine/ -run '^$' -bench . -benchtime "$benchtime"
go test ./internal/schema/ -run '^$' -bench . -benchtime "$benchtime"
go test ./rules/ -run '^$' -bench . -benchtime "$benchtime"

echo "== the built binary, end to end"
go build -o "$work/d1lint" ./cmd/d1lint
timed() { /usr/bin/time -f "   %e s wall, %M KB peak RSS" "$@" >/dev/null; }
if [ -d ../shared/corpus/d1 ]; then
  ../shared/corpus/d1/mkrepos.sh "$work/d1" >/dev/null
  echo "d1 corpus (operator era), 3 clusters:"
  (cd "$work/d1/d1-fleet" && for _ in 1 2 3; do timed "$work/d1lint" clusters \
    --source https://github.com/controlplaneio-fluxcd/d1-infra.git=../d1-infra \
    --source https://github.com/controlplaneio-fluxcd/d1-apps.git=../d1-apps; done)
  srcs=(--source https://github.com/controlplaneio-fluxcd/d1-infra.git=../d1-infra
        --source https://github.com/controlplaneio-fluxcd/d1-apps.git=../d1-apps)
  echo "check on the d1 corpus (target 0.5 s):"
  (cd "$work/d1/d1-fleet" && for _ in 1 2 3; do timed "$work/d1lint" check "${srcs[@]}"; done)
  echo "pre-push hook on the unchanged d1 fleet (target 1 s; first run fills the cache):"
  (cd "$work/d1/d1-fleet" && sha=$(git rev-parse HEAD) && for _ in 1 2 3; do
    echo "refs/heads/main $sha refs/heads/main 0000000000000000000000000000000000000000" |
      timed "$work/d1lint" hook run pre-push "${srcs[@]}" -- origin https://example.invalid/fleet.git; done)
  echo "diff on the d1 corpus, an uncommitted edit in d1-apps (target 1 s):"
  sed -i.orig 's/replicaCount: 1/replicaCount: 2/' "$work/d1/d1-apps/components/backend/base/redis.yaml"
  (cd "$work/d1/d1-fleet" && for _ in 1 2 3; do timed "$work/d1lint" diff "${srcs[@]}"; done)
  echo "diff --promote on the d1 corpus (target 1 s):"
  (cd "$work/d1/d1-fleet" && for _ in 1 2 3; do timed "$work/d1lint" diff --promote "${srcs[@]}"; done)
  mv "$work/d1/d1-apps/components/backend/base/redis.yaml.orig" "$work/d1/d1-apps/components/backend/base/redis.yaml"
  if [ -d ../shared/corpus/charts ]; then
    charts=$(cd ../shared/corpus/charts && pwd)
    echo "check on the d1 corpus without charts, with the chart cache cold, and warm (the persistent cache of chart renders, docs/cache.md; target: at most 3x):"
    (cd "$work/d1/d1-fleet" && "$work/d1lint" check "${srcs[@]}" --charts "$charts" --cache "$work/cache" >/dev/null || true
      for _ in 1 2 3 4 5; do
      timed "$work/d1lint" check "${srcs[@]}" --no-cache || true
      timed "$work/d1lint" check "${srcs[@]}" --charts "$charts" --no-cache || true
      timed "$work/d1lint" check "${srcs[@]}" --charts "$charts" --cache "$work/cache" || true
    done)
    if [ -n "${D1LINT_BASELINE:-}" ]; then
      # "Today's check time" of the charts issue is the check's before charts
      # were rendered: a binary built at that commit, e.g.
      #   git worktree add /tmp/pre-charts 1213123 && (cd /tmp/pre-charts && go build -o /tmp/d1lint-pre ./cmd/d1lint)
      #   D1LINT_BASELINE=/tmp/d1lint-pre scripts/bench.sh
      echo "check on the d1 corpus by $D1LINT_BASELINE (no charts), then by this d1lint with the chart cache, persistent cache off (target: at most 3x):"
      (cd "$work/d1/d1-fleet" && for _ in 1 2 3 4 5; do
        timed "$D1LINT_BASELINE" check "${srcs[@]}" || true
        timed "$work/d1lint" check "${srcs[@]}" --charts "$charts" --no-cache || true
      done)
    fi
  fi
fi
if [ -d ../shared/corpus/d2 ]; then
  ../shared/corpus/d2/mkrepos.sh "$work/d2" >/dev/null
  echo "check on the d2 corpus, no configuration (ResourceSets, OCI artifacts; target 0.5 s, d1's class):"
  (cd "$work/d2/d2-fleet" && for _ in 1 2 3 4 5; do timed "$work/d1lint" check || true; done)
  echo "diff --promote on the d2 corpus (the next release against the newest one):"
  (cd "$work/d2/d2-fleet" && for _ in 1 2 3; do timed "$work/d1lint" diff --promote || true; done)
fi
go run ./cmd/synth-fleet -clusters 100 -namespaces 20 -components 8 "$work/synth" >/dev/null
echo "check of the synthetic fleet without, then with its charts (target: at most 1.5x):"
(cd "$work/synth/d1-fleet" && sed '/^charts:/,$d' .d1lint.yaml >"$work/nocharts.yaml" && cp "$work/nocharts.yaml" .d1lint-nocharts.yaml &&
  for _ in 1 2 3; do
    timed "$work/d1lint" check --config .d1lint-nocharts.yaml --accept-incomplete --no-cache || true
    timed "$work/d1lint" check --no-cache || true
  done
  echo "  and with its charts, chart renders read from the persistent cache (warm):"
  "$work/d1lint" check --cache "$work/cache" >/dev/null || true
  for _ in 1 2 3; do timed "$work/d1lint" check --cache "$work/cache" || true; done)
echo "synthetic fleet, 100 clusters x 20 namespaces x 8 components:"
(cd "$work/synth/d1-fleet" && for _ in 1 2; do timed "$work/d1lint" clusters; done)
echo "audit of the synthetic fleet into a folder (target 30 s):"
(cd "$work/synth/d1-fleet" && for _ in 1 2; do timed "$work/d1lint" audit --out "$work/audit"; done)

# Issue 17: a thousand clusters, the persistent cache, incremental checks.
if [ -d ../shared/corpus/d1 ]; then
  echo "d1 corpus: check cold (an empty persistent cache each run; target: 15x faster than d1's vet.sh, 3.5 s) and warm (target 0.1 s):"
  (cd "$work/d1/d1-fleet" && for i in 1 2 3 4 5; do
    timed "$work/d1lint" check "${srcs[@]}" --cache "$work/d1cold$i" || true
  done
  for _ in 1 2 3 4 5; do timed "$work/d1lint" check "${srcs[@]}" --cache "$work/d1cold1" || true; done)
fi
go run ./cmd/synth-fleet -clusters 1000 -namespaces 20 -components 8 "$work/synth1000" >/dev/null
echo "check of 1000 synthetic clusters, cold (an empty persistent cache; target 20 s, 1.5 GiB):"
(cd "$work/synth1000/d1-fleet" && for i in 1 2 3; do
  timed "$work/d1lint" check --cache "$work/cold1000-$i" || true
done)
echo "  warm, nothing changed:"
(cd "$work/synth1000/d1-fleet" && for _ in 1 2 3; do timed "$work/d1lint" check --cache "$work/cold1000-1" || true; done)
echo "  warm, one file of d1-apps changed (a staging overlay every staging cluster reads; target 3 s):"
values="$work/synth1000/d1-apps/components/app-01/staging/values.yaml"
cp "$values" "$work/values.orig"
(cd "$work/synth1000/d1-fleet" && for i in 1 2 3; do
  # Each run a change of its own, on a copy of the cache that saw the
  # unchanged fleet; -v says how many clusters came from the cache.
  cp -R "$work/cold1000-1" "$work/incr-$i"
  sed "s/replicaCount: .*/replicaCount: $((i + 1))/" "$work/values.orig" >"$values"
  /usr/bin/time -f "   %e s wall, %M KB peak RSS" "$work/d1lint" check --cache "$work/incr-$i" -v 2>"$work/incr.err" >/dev/null || true
  grep -o '[0-9]* of [0-9]* clusters from the cache' "$work/incr.err" | sed 's/^/   /' || true
  tail -1 "$work/incr.err"
done)
cp "$work/values.orig" "$values"
echo "check --shard 1/4 of a synthetic 1000-cluster fleet, interleaved with the whole check (target: at most 30% of it):"
(cd "$work/synth1000/d1-fleet" && for _ in 1 2 3; do
    timed "$work/d1lint" check --no-cache || true
    timed "$work/d1lint" check --no-cache --shard 1/4 || true
  done
  for k in 1 2 3 4; do "$work/d1lint" check --no-cache --shard "$k/4" --format json="$work/shard-$k.json" >/dev/null || true; done
  echo "  d1lint merge of its 4 shards:"
  for _ in 1 2 3; do timed "$work/d1lint" merge "$work"/shard-?.json || true; done
  "$work/d1lint" check --no-cache --format json="$work/whole.json" >/dev/null || true
  "$work/d1lint" merge --format json="$work/merged.json" "$work"/shard-?.json >/dev/null || true
  if cmp -s "$work/whole.json" "$work/merged.json"; then
    echo "  the merged shards' JSON report is the whole check's"
  else
    echo "  the merged shards' JSON report differs from the whole check's"; exit 1
  fi)
