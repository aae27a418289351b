# Container engines for the driver tests and benchmarks: a private dockerd started in the
# background and stopped by its PID. Sourced, not run; needs root.
#
#   source scripts/lib/engines.sh
#   start_dockerd /tmp/rf-docker     # exports DOCKER_HOST=unix:///tmp/rf-docker/docker.sock
#   ...                              # mvn ... (the Docker driver tests read DOCKER_HOST)
#   stop_dockerd /tmp/rf-docker
#
# LXC needs no daemon: the LXC driver runs lxc-start itself, with its own lxcpath, and gives
# containers no network (lxc.net.0.type = empty), so no lxcbr0 bridge is needed.
#
# dockerd creates "docker" cgroups, the docker0 bridge and its DOCKER* iptables chains, and turns on
# net.ipv4.ip_forward (and the FORWARD policy to DROP); stop_dockerd removes what this dockerd
# created and restores the forwarding settings it found, so the host is left as it was.

_engines_log() { printf '\033[1m[engines]\033[0m %s\n' "$*" >&2; }

# Both functions work under set -euo pipefail, as scripts/test runs.

# start_dockerd DIR [extra dockerd arguments...]
# Starts dockerd with its pid file, socket, data root and exec root under DIR, waits until
# its API answers _ping, and exports DOCKER_HOST. Fails (returns 1) if dockerd does not answer
# within 30 s, after stopping it.
start_dockerd() {
  local dir=${1:?usage: start_dockerd DIR [dockerd args...]}
  shift
  command -v dockerd >/dev/null || { _engines_log "dockerd not found (apt-get install docker.io)"; return 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local sock=$dir/docker.sock
  if [[ -f $dir/dockerd.pid ]] && kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null; then
    _engines_log "dockerd already runs in $dir (pid $(cat "$dir/dockerd.pid"))"
    export DOCKER_HOST=unix://$sock
    return 0
  fi
  # what stop_dockerd must undo: the forwarding setting, and whether docker0 and the
  # DOCKER chains existed before this dockerd
  sysctl -n net.ipv4.ip_forward >"$dir/ip_forward.before" 2>/dev/null || true
  if ip link show docker0 >/dev/null 2>&1; then echo 1 >"$dir/bridge.before"; else echo 0 >"$dir/bridge.before"; fi
  if iptables -w -t nat -n -L DOCKER >/dev/null 2>&1; then echo 1 >"$dir/chains.before"; else echo 0 >"$dir/chains.before"; fi
  # dockerd puts containers under a "docker" cgroup in every hierarchy and leaves it
  if [[ -d /sys/fs/cgroup/memory/docker ]]; then echo 1 >"$dir/cgroup.before"; else echo 0 >"$dir/cgroup.before"; fi
  # dockerd sets the FORWARD policy to DROP when it turns forwarding on
  iptables -w -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}' >"$dir/forward-policy.before" || true
  # Ringfellow's containers have no network (or one the driver makes), so by default this
  # dockerd makes no docker0 bridge, no iptables rules and leaves ip_forward alone: nothing on
  # the host to clean up, and no clash with another dockerd. ENGINES_DOCKER_BRIDGE=1 keeps
  # Docker's default bridge network.
  local net=(--bridge none --iptables=false --ip-forward=false --ip-masq=false)
  [[ ${ENGINES_DOCKER_BRIDGE:-0} == 1 ]] && net=()
  # containerd, started by dockerd, keeps its state under the exec and data roots
  dockerd \
    --pidfile "$dir/dockerd.pid" \
    --host "unix://$sock" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    "${net[@]}" \
    "$@" </dev/null >"$dir/dockerd.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/dockerd.launcher.pid"
  local i
  for ((i = 0; i < 300; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      _engines_log "dockerd exited at start; its log ($dir/dockerd.log):"
      tail -n 20 "$dir/dockerd.log" >&2
      return 1
    fi
    if [[ -S $sock ]] && curl -sf --max-time 1 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; then
      export DOCKER_HOST=unix://$sock
      _engines_log "dockerd $(dockerd --version | sed 's/^Docker version //') answers on $DOCKER_HOST (pid $pid, $((i * 100)) ms)"
      return 0
    fi
    sleep 0.1
  done
  _engines_log "dockerd did not answer within 30 s; stopping it"
  stop_dockerd "$dir"
  return 1
}

# stop_dockerd DIR
# Stops the dockerd started by start_dockerd DIR, by its PID (SIGTERM, then SIGKILL after
# 20 s), and the containerd it started (by the PID in its exec root), then removes the docker0 bridge and DOCKER iptables chains if it created them and
# restores net.ipv4.ip_forward. The data root stays (delete DIR to remove it).
stop_dockerd() {
  local dir=${1:?usage: stop_dockerd DIR}
  [[ -d $dir ]] && dir=$(cd "$dir" && pwd)
  local pid= i
  [[ -f $dir/dockerd.launcher.pid ]] && pid=$(cat "$dir/dockerd.launcher.pid")
  [[ -z $pid && -f $dir/dockerd.pid ]] && pid=$(cat "$dir/dockerd.pid")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for ((i = 0; i < 200; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      _engines_log "dockerd $pid ignored SIGTERM for 20 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    _engines_log "dockerd $pid stopped"
  fi
  rm -f "$dir/dockerd.launcher.pid"
  # the containerd this dockerd started (dockerd leaves it running under --live-restore)
  local cpid
  cpid=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null || true)
  if [[ -n $cpid ]] && kill -0 "$cpid" 2>/dev/null && grep -q -- "$dir/exec/containerd" "/proc/$cpid/cmdline" 2>/dev/null; then
    kill -TERM "$cpid"
    for ((i = 0; i < 100; i++)); do
      kill -0 "$cpid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$cpid" 2>/dev/null && kill -KILL "$cpid" 2>/dev/null
    _engines_log "containerd $cpid stopped"
  fi
  # dockerd bind-mounts its data root onto itself (and may leave netns or overlay mounts under
  # its roots); unmount whatever is left under DIR, deepest first
  local m
  for m in $(awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r || true); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || _engines_log "could not unmount $m"
  done
  if [[ $(cat "$dir/cgroup.before" 2>/dev/null) == 0 ]]; then
    # only empty cgroups can be removed: one still in use by another dockerd stays
    local cg
    for cg in /sys/fs/cgroup/*/docker; do
      [[ -d $cg ]] && rmdir "$cg" 2>/dev/null || true
    done
  fi
  if [[ $(cat "$dir/bridge.before" 2>/dev/null) == 0 ]] && ip link show docker0 >/dev/null 2>&1; then
    ip link delete docker0 || _engines_log "could not delete docker0"
  fi
  if [[ $(cat "$dir/chains.before" 2>/dev/null) == 0 ]]; then
    _engines_remove_docker_chains
  fi
  local fwd policy
  policy=$(cat "$dir/forward-policy.before" 2>/dev/null || true)
  if [[ -n $policy && $(iptables -w -S FORWARD 2>/dev/null | awk '$1 == "-P" {print $3}') != "$policy" ]]; then
    iptables -w -P FORWARD "$policy" || _engines_log "could not restore the FORWARD policy $policy"
  fi
  fwd=$(cat "$dir/ip_forward.before" 2>/dev/null || true)
  if [[ -n $fwd && $(sysctl -n net.ipv4.ip_forward 2>/dev/null) != "$fwd" ]]; then
    sysctl -qw net.ipv4.ip_forward="$fwd" || _engines_log "could not restore net.ipv4.ip_forward=$fwd"
  fi
  rm -f "$dir/bridge.before" "$dir/chains.before" "$dir/ip_forward.before" "$dir/forward-policy.before" \
    "$dir/cgroup.before"
}

# Removes the jumps to dockerd's chains and its docker0 rules from the built-in chains, then
# its chains themselves.
_engines_remove_docker_chains() {
  local table chain rule
  for table in filter nat; do
    for chain in FORWARD OUTPUT PREROUTING POSTROUTING; do
      # (|| true: callers run under set -euo pipefail, and grep finds nothing on a clean host)
      { iptables -w -t "$table" -S "$chain" 2>/dev/null | grep -E -- '-j DOCKER(-[A-Z0-9-]+)?$|docker0' || true; } |
        while read -r rule; do
          # "-A FORWARD ..." becomes "-D FORWARD ..."
          eval "iptables -w -t $table -D ${rule#-A }" 2>/dev/null || true
        done
    done
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}' || true); do
      iptables -w -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -w -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^DOCKER/ {print $2}' || true); do
      iptables -w -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

# crun 1.8 fails every start on a cgroup v1 host whose cgroup2 mount (/sys/fs/cgroup/unified)
# still holds a controller (usually hugetlb, the one no v1 hierarchy took); the crun driver
# reports that as UNHEALTHY. mount_v1_leftovers DIR mounts each such controller as a v1
# hierarchy (runc, LXC and Docker use it like the others) and records what it mounted;
# umount_v1_leftovers DIR removes the empty cgroups left in those and unmounts them, unless a
# cgroup in use remains.
mount_v1_leftovers() {
  local dir=${1:?usage: mount_v1_leftovers DIR} c
  local held
  # (cgroup files report a size of 0: read them, never test them with -s)
  held=$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || true)
  [[ -f /sys/fs/cgroup/cgroup.controllers || -z $held ]] && return 0
  for c in $held; do
    [[ $c =~ ^[a-z_]+$ ]] || continue
    mkdir -p "/sys/fs/cgroup/$c"
    if mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c"; then
      echo "$c" >>"$dir/v1-mounted"
      _engines_log "mounted the $c controller as cgroup v1 (crun refuses it in the cgroup2 mount)"
    fi
  done
}

umount_v1_leftovers() {
  local dir=${1:?usage: umount_v1_leftovers DIR} c
  [[ -f $dir/v1-mounted ]] || return 0
  for c in $(cat "$dir/v1-mounted"); do
    # the empty cgroups engines left in the hierarchy this script made (dockerd leaves "docker")
    if find "/sys/fs/cgroup/$c" -mindepth 1 -type d -print -quit | grep -q .; then
      find "/sys/fs/cgroup/$c" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
      # a removed cgroup dies asynchronously; unmounting while one is dying leaves the hierarchy
      # alive and unmounted, its controller in neither v1 nor v2
      sleep 1
    fi
    if find "/sys/fs/cgroup/$c" -mindepth 1 -type d -print -quit | grep -q .; then
      _engines_log "leaving the $c v1 mount: cgroups remain in it"
    else
      umount "/sys/fs/cgroup/$c" && rmdir "/sys/fs/cgroup/$c" 2>/dev/null || true
    fi
  done
  rm -f "$dir/v1-mounted"
}
