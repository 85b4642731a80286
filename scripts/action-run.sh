#!/usr/bin/env bash
# Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0
#
# Runs `d1lint check` for the d1lint GitHub Action (action.yml): turns the
# action's inputs, passed as INPUT_* environment variables, into d1lint's
# arguments, runs d1lint, and sets the step output `sarif`. d1lint's github
# format sets the outputs errors, warnings, infos and new, annotates the
# findings and writes the job summary. With INPUT_DIFF, it then runs
# `d1lint diff --format markdown` and appends what the change does to each
# cluster to the job summary; a failing diff is reported, and never changes
# the exit status. Exits with the status of `d1lint check`.
#
# Environment:
#   D1LINT                   the d1lint binary (default: d1lint on PATH)
#   INPUT_FLEET              fleet folder (empty: the configuration's, else the current folder)
#   INPUT_CONFIG             .d1lint.yaml to use (empty: the fleet folder's)
#   INPUT_SOURCES            URL=PATH mappings, one a line
#   INPUT_CLUSTERS           clusters to check, comma- or newline-separated (empty: all)
#   INPUT_FAIL_ON            error, warning or info (empty: d1lint's default, error)
#   INPUT_POLICIES           folders of the team's Rego policies, one a line
#   INPUT_SARIF              where to write the SARIF report (empty: no SARIF)
#   INPUT_NEW_SINCE          git revision of the checked repository; findings it already had do not fail
#   INPUT_TRUST_BASE_CONFIG  "true": in a pull request, read the configuration and policies from origin/<base branch>
#   INPUT_ARGS               further `d1lint check` arguments, one a line
#   INPUT_DIFF               "true": also run `d1lint diff` (against new-since, else origin/<base branch>
#                            in a pull request, else HEAD) and append it to the job summary
#   INPUT_CHARTS             the chart cache folder (empty: the configuration's)
#   INPUT_PULL_CHARTS        "true": with INPUT_CHARTS, run `d1lint charts pull` first
#   GITHUB_EVENT_NAME, GITHUB_BASE_REF, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: set by GitHub Actions
#
# Lines of multiline inputs are trimmed; blank lines are ignored. Only
# `d1lint charts pull` touches the network (with INPUT_CHARTS and
# INPUT_PULL_CHARTS); its failure is a warning, never the step's.
set -euo pipefail

d1lint="${D1LINT:-d1lint}"

fail() {
  printf 'd1lint action: %s\n' "$*" >&2
  exit 2
}

# trim VALUE: VALUE without leading and trailing white space (CR included).
trim() {
  local s=$1
  s="${s#"${s%%[![:space:]]*}"}"
  s="${s%"${s##*[![:space:]]}"}"
  printf '%s' "$s"
}

# lines VALUE: sets the array `items` to the non-blank, trimmed lines of VALUE.
lines() {
  items=()
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="$(trim "$line")"
    [[ -n "$line" ]] && items+=("$line")
  done <<<"$1"
  return 0
}

# bool NAME VALUE: sets `value` to true or false from VALUE, else a usage error.
bool() {
  case "$(trim "$2")" in
    true | True | TRUE) value=true ;;
    false | False | FALSE) value=false ;;
    *) fail "input $1 must be true or false, not \"$2\"" ;;
  esac
}

args=(check)
# The arguments `d1lint diff` shares with the check: what to render.
dargs=(diff --format markdown)

bool diff "${INPUT_DIFF:-false}"
diff=$value

fleet="$(trim "${INPUT_FLEET:-}")"
[[ -n "$fleet" ]] && args+=(--fleet "$fleet") && dargs+=(--fleet "$fleet")

config="$(trim "${INPUT_CONFIG:-}")"
[[ -n "$config" ]] && args+=(--config "$config") && dargs+=(--config "$config")

lines "${INPUT_SOURCES:-}"
for s in ${items[@]+"${items[@]}"}; do
  [[ "$s" == *=* ]] || fail "sources: \"$s\" is not URL=PATH"
  args+=(--source "$s")
  dargs+=(--source "$s")
done

lines "${INPUT_CLUSTERS:-}"
for line in ${items[@]+"${items[@]}"}; do
  IFS=, read -r -a names <<<"$line"
  for c in ${names[@]+"${names[@]}"}; do
    c="$(trim "$c")"
    [[ -n "$c" ]] && args+=(--cluster "$c") && dargs+=(--cluster "$c")
  done
done

# The arguments `d1lint charts pull` shares with the check: what to render.
pargs=(charts pull "${dargs[@]:3}")
charts="$(trim "${INPUT_CHARTS:-}")"
bool pull-charts "${INPUT_PULL_CHARTS:-true}"
pullCharts=$value
if [[ -n "$charts" ]]; then
  [[ "$charts" != *$'\n'* ]] || fail "charts: one folder, on one line"
  args+=(--charts "$charts")
  dargs+=(--charts "$charts")
  pargs+=(--charts "$charts")
fi

failOn="$(trim "${INPUT_FAIL_ON:-}")"
[[ -n "$failOn" ]] && args+=(--fail-on "$failOn")

lines "${INPUT_POLICIES:-}"
for p in ${items[@]+"${items[@]}"}; do
  args+=(--policy "$p")
done

newSince="$(trim "${INPUT_NEW_SINCE:-}")"
[[ -n "$newSince" ]] && args+=(--new-since "$newSince")

# A pull request must not be able to rewrite the configuration and the
# policies that judge it: read them from the branch it targets.
bool trust-base-config "${INPUT_TRUST_BASE_CONFIG:-true}"
trust=$value
case "${GITHUB_EVENT_NAME:-}" in
  pull_request | pull_request_target)
    if [[ "$trust" == true && -n "${GITHUB_BASE_REF:-}" ]]; then
      args+=(--config-ref "origin/$GITHUB_BASE_REF")
    fi
    ;;
esac

sarif="$(trim "${INPUT_SARIF:-}")"
args+=(--format github)
if [[ -n "$sarif" ]]; then
  [[ "$sarif" != *$'\n'* ]] || fail "sarif: one path, on one line"
  mkdir -p "$(dirname "$sarif")"
  sarif="$(cd "$(dirname "$sarif")" && pwd)/$(basename "$sarif")" # absolute, for later steps
  rm -f "$sarif" # never upload a stale report
  args+=(--format "sarif=$sarif")
fi

lines "${INPUT_ARGS:-}"
args+=(${items[@]+"${items[@]}"})

# Fill the chart cache: the one network step. What it cannot fetch, the
# check reports as a warning (D1-0007).
if [[ -n "$charts" && "$pullCharts" == true ]]; then
  mkdir -p "$charts"
  printf '+ d1lint' >&2
  printf ' %q' "${pargs[@]}" >&2
  printf '\n' >&2
  pstatus=0
  "$d1lint" "${pargs[@]}" >&2 || pstatus=$?
  if [[ "$pstatus" != 0 ]]; then
    printf '::warning title=d1lint charts pull::d1lint charts pull could not fetch every chart (exit status %d); the check warns about those it lacks\n' "$pstatus"
  fi
fi

printf '+ d1lint' >&2
printf ' %q' "${args[@]}" >&2
printf '\n' >&2

status=0
"$d1lint" "${args[@]}" || status=$?

# The SARIF report exists when there is something to upload, findings or not.
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  if [[ -n "$sarif" && -f "$sarif" ]]; then
    printf 'sarif=%s\n' "$sarif" >>"$GITHUB_OUTPUT"
  else
    printf 'sarif=\n' >>"$GITHUB_OUTPUT"
  fi
fi

# What the change does to each cluster, for the job summary. Its failure is
# reported, and leaves the check's status as it is.
if [[ "$diff" == true ]]; then
  if [[ -n "$newSince" ]]; then
    dargs+=(--base "$newSince")
  else
    case "${GITHUB_EVENT_NAME:-}" in
      pull_request | pull_request_target)
        [[ -n "${GITHUB_BASE_REF:-}" ]] && dargs+=(--base "origin/$GITHUB_BASE_REF")
        ;;
    esac
  fi
  printf '+ d1lint' >&2
  printf ' %q' "${dargs[@]}" >&2
  printf '\n' >&2
  dout="$(mktemp)"
  derr="$(mktemp)"
  dstatus=0
  "$d1lint" "${dargs[@]}" >"$dout" 2>"$derr" || dstatus=$?
  cat "$derr" >&2
  if [[ "$dstatus" == 0 ]]; then
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
      { printf '\n'; cat "$dout"; } >>"$GITHUB_STEP_SUMMARY"
    else
      cat "$dout"
    fi
  else
    printf '::warning title=d1lint diff::d1lint diff failed (exit status %d); the check is not affected\n' "$dstatus"
    printf 'd1lint action: d1lint diff failed (exit status %d); the check is not affected\n' "$dstatus" >&2
    if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
      {
        printf '\n## d1lint diff: failed\n\n`d1lint diff` failed (exit status %d); the check is not affected.\n\n' "$dstatus"
        printf '```text\n'
        tail -n 20 "$derr" | sed 's/```/` ` `/g'
        printf '```\n'
      } >>"$GITHUB_STEP_SUMMARY"
    fi
  fi
  rm -f "$dout" "$derr"
fi

case "$status" in
  0) ;;
  1) printf 'd1lint action: findings at or above --fail-on %s (or an incomplete render)\n' "${failOn:-error}" >&2 ;;
  2) printf 'd1lint action: usage or configuration error (exit status 2)\n' >&2 ;;
  130 | 143) printf 'd1lint action: d1lint was stopped by a signal (exit status %d): the job was cancelled\n' "$status" >&2 ;;
  *) printf 'd1lint action: d1lint failed (exit status %d)\n' "$status" >&2 ;;
esac
exit "$status"
