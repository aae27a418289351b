#!/usr/bin/env bash
# Measures what docs/benchmarks.md reports for the build: a clean build with an empty Maven
# repository (everything downloaded), a clean build with a warm one, and the integration
# tests. Works on a fresh clone of HEAD in a temporary directory and removes it after.
#
#   bench/build/measure.sh            cold + warm build, then the itests
#   bench/build/measure.sh --warm     skip the cold build (no download)
set -euo pipefail
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d /tmp/ringfellow-build-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q "$top" "$work/src"
cd "$work/src"

# Runs a command quietly and prints how many seconds it took; on failure shows its output and stops.
seconds() {
  local start end
  start=$(date +%s%N)
  if ! "$@" >"$work/out.log" 2>&1; then
    tail -60 "$work/out.log" >&2
    echo "FAILED: $*" >&2
    return 1
  fi
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000000 ))
}

printf 'machine: %s cores, %s, %s\n' "$(nproc)" "$(free -h | awk '/Mem:/{print $2}')" "$(java -version 2>&1 | head -1)"
printf 'commit: %s\n' "$(git rev-parse --short HEAD)"
if [[ ${1:-} != --warm ]]; then
  t=$(seconds ./mvnw -B -ntp -Dmaven.repo.local="$work/m2" install -DskipTests)
  printf 'cold build (empty ~/.m2, -DskipTests): %s s, %s downloaded\n' "$t" "$(du -sh "$work/m2" | cut -f1)"
fi
t=$(seconds ./mvnw -B -ntp clean install -DskipTests)
printf 'warm build (-DskipTests): %s s\n' "$t"
t=$(seconds ./mvnw -B -ntp install -DskipITs)
printf 'unit tests (install -DskipITs, after a build): %s s\n' "$t"
t=$(seconds ./mvnw -B -ntp verify -pl itests)
printf 'integration tests (verify -pl itests): %s s\n' "$t"
grep -h "Tests run:.*in org" itests/target/failsafe-reports/*.txt | sed 's/^/  /'
