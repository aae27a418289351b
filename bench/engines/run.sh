#!/usr/bin/env bash
# Runs the engines benchmark on this machine (as root): builds it, starts a private dockerd
# with scripts/lib/engines.sh, runs EnginesBench, stops dockerd by its PID.
#   bench/engines/run.sh [iterations] [docker,lxc]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/engines.sh
./mvnw -B -q -o -pl bench/engines -am package -DskipTests
dir=$(mktemp -d /tmp/rf-bench-dockerd-XXXXXX)
trap 'stop_dockerd "$dir"; rm -rf --one-file-system "$dir"' EXIT
start_dockerd "$dir"
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
java -cp "$(cat bench/engines/target/classpath.txt):bench/engines/target/classes" \
  org.ringfellow.bench.engines.EnginesBench "${1:-30}" "${2:-docker,lxc}" 2>&1 | grep -v '^SLF4J'
