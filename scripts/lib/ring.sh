# A local ring of Ringfellow nodes, for scripts/demo and the benchmarks. Sourced, not run.
#
#   source scripts/lib/host.sh; source scripts/lib/ring.sh
#   ring_init run/ring 3            # where the nodes live, how many
#   ring_start TARBALL              # unpack (once), configure, start every node
#   ring_console 1 'node:info'      # a console command on node 1
#   ring_url 1                      # http://<address>:<port> of node 1's ingress
#   ring_stop                       # every node by its PID, leftover containers, namespaces
#
# As root, each node lives in a network namespace of its own (<prefix>-h<i>, address
# 10.213.<subnet>.<i>), joined by a bridge in a switch namespace; the host gets one veth on
# that bridge (10.213.<subnet>.254) so that a browser on this machine reaches every node.
# Otherwise every node is on 127.0.0.1 with ports of its own. What was made is written to
# <dir>/ring.state, so ring_stop removes exactly that, by PID and by name of what it made.

RING_PREFIX=${RING_PREFIX:-rfdemo}
RING_SUBNET=${RING_SUBNET:-220}
RING_HTTP_BASE=${RING_HTTP_BASE:-8181}

ring_init() {
  RING_DIR=$(mkdir -p "$1" && cd "$1" && pwd)
  RING_SIZE=$2
  [[ $RING_SIZE =~ ^[1-9]$ ]] || { log "ring size must be 1 to 9"; return 1; }
  if [[ -f $RING_DIR/ring.state ]]; then
    # shellcheck disable=SC1091
    source "$RING_DIR/ring.state"
  elif [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && command -v nsenter >/dev/null; then
    RING_MODE=netns
  else
    RING_MODE=loopback
  fi
}

ring_node_dir() { printf '%s/node%s' "$RING_DIR" "$1"; }
ring_ns() { printf '%s-h%s' "$RING_PREFIX" "$1"; }

ring_address() {
  if [[ $RING_MODE == netns ]]; then printf '10.213.%s.%s' "$RING_SUBNET" "$1"; else printf '127.0.0.1'; fi
}

ring_http_port() {
  if [[ $RING_MODE == netns ]]; then printf '%s' "$RING_HTTP_BASE"; else printf '%s' $((RING_HTTP_BASE + $1 - 1)); fi
}

ring_url() { printf 'http://%s:%s' "$(ring_address "$1")" "$(ring_http_port "$1")"; }

# The command prefix that runs a program where node i lives.
ring_in() {
  if [[ $RING_MODE == netns ]]; then printf 'nsenter\n--net=/run/netns/%s\n' "$(ring_ns "$1")"; fi
}

# ring_run I CMD...: runs CMD in node i's network.
ring_run() {
  local i=$1 pre
  shift
  mapfile -t pre < <(ring_in "$i")
  "${pre[@]}" "$@"
}

# ring_console I CMD...: console commands on node i (bin/client in batch mode).
ring_console() {
  local i=$1
  shift
  printf '%s\n' "$@" | ring_run "$i" "$(ring_node_dir "$i")/bin/client" -r 3 -b 2>/dev/null
}

_ring_set() { # file key value: replace or add "key = value"
  local file=$1 key=$2 value=$3
  touch "$file"
  if grep -qE "^[[:space:]]*${key//./\\.}[[:space:]]*[=:]" "$file"; then
    sed -i -E "s|^[[:space:]]*${key//./\\.}[[:space:]]*[=:].*|${key} = ${value}|" "$file"
  else
    printf '%s = %s\n' "$key" "$value" >>"$file"
  fi
}

_ring_state() { printf '%s\n' "$@" >>"$RING_DIR/ring.state"; }

_ring_network() {
  [[ $RING_MODE == netns ]] || return 0
  local sw=$RING_PREFIX-sw i
  if ip netns list | grep -qE "^$sw( |$)"; then return 0; fi
  ip netns add "$sw"
  _ring_state "RING_NS+=($sw)"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  for i in $(seq 1 "$RING_SIZE"); do
    ip netns add "$(ring_ns "$i")"
    _ring_state "RING_NS+=($(ring_ns "$i"))"
    ip link add "${RING_PREFIX}v$i" type veth peer name eth0 netns "$(ring_ns "$i")"
    ip link set "${RING_PREFIX}v$i" netns "$sw"
    ip -n "$sw" link set "${RING_PREFIX}v$i" master br0 up
    ip -n "$(ring_ns "$i")" addr add "$(ring_address "$i")/24" dev eth0
    ip -n "$(ring_ns "$i")" link set eth0 up
    ip -n "$(ring_ns "$i")" link set lo up
  done
  # this machine on the bridge too, so that its browser reaches the nodes
  ip link add "${RING_PREFIX}-host" type veth peer name "${RING_PREFIX}vh" netns "$sw"
  _ring_state "RING_HOST_LINK=${RING_PREFIX}-host"
  ip -n "$sw" link set "${RING_PREFIX}vh" master br0 up
  ip addr add "10.213.$RING_SUBNET.254/24" dev "${RING_PREFIX}-host"
  ip link set "${RING_PREFIX}-host" up
}

# ring_start TARBALL [cpus] [memory]: every node unpacked (once: a node keeps its identity),
# configured and started; returns when every console answers.
ring_start() {
  local tarball=$1 cpus=${2:-2} memory=${3:-1g} i dir
  if [[ ! -f $RING_DIR/ring.state ]]; then
    printf 'RING_MODE=%s\nRING_NS=()\n' "$RING_MODE" >"$RING_DIR/ring.state"
  fi
  _ring_network
  for i in $(seq 1 "$RING_SIZE"); do
    dir=$(ring_node_dir "$i")
    if [[ ! -x $dir/bin/start ]]; then
      mkdir -p "$dir"
      tar -xzf "$tarball" -C "$dir" --strip-components=1
    fi
    local addr port_ring=7946 port_chan=7790 ssh=8101
    addr=$(ring_address "$i")
    if [[ $RING_MODE == loopback ]]; then
      port_ring=$((7946 + i * 10)) port_chan=$((7790 + i)) ssh=$((8110 + i))
    fi
    _ring_set "$dir/etc/org.ringfellow.ring.cfg" bindHost "$addr"
    _ring_set "$dir/etc/org.ringfellow.ring.cfg" port "$port_ring"
    if ((i > 1)); then
      local seed_port=7946
      [[ $RING_MODE == loopback ]] && seed_port=$((7946 + 10))
      _ring_set "$dir/etc/org.ringfellow.ring.cfg" seeds "$(ring_address 1):$seed_port"
    fi
    _ring_set "$dir/etc/org.ringfellow.fellowship.cfg" advertisedHost "$addr"
    _ring_set "$dir/etc/org.ringfellow.fellowship.cfg" channelPort "$port_chan"
    # a founder dials a candidate's channel at its Ring host and the default port unless the
    # candidate's advert says otherwise (docs/fellowship.md): on 127.0.0.1 each port differs
    _ring_set "$dir/etc/org.ringfellow.node.cfg" labels "fellowship.channel=$addr:$port_chan"
    _ring_set "$dir/etc/org.apache.karaf.shell.cfg" sshPort "$ssh"
    _ring_set "$dir/etc/org.ringfellow.node.cfg" name "node$i"
    _ring_set "$dir/etc/org.ringfellow.node.cfg" cpus "$cpus"
    _ring_set "$dir/etc/org.ringfellow.node.cfg" memory "$memory"
    _ring_set "$dir/etc/org.ops4j.pax.web.cfg" org.osgi.service.http.port "$(ring_http_port "$i")"
    _ring_set "$dir/etc/org.ops4j.pax.web.cfg" org.ops4j.pax.web.listening.addresses "$addr"
    if ! _ring_alive "$i"; then
      ring_run "$i" "$dir/bin/start"
    fi
  done
  for i in $(seq 1 "$RING_SIZE"); do
    _ring_await "$i" || return 1
  done
}

# Waits until node i answers with its Ring up. A node that answers without its Ring (now and
# then its Ring component fails to start at boot) is restarted once.
_ring_await() {
  local i=$1 restarted=0 deadline=$((SECONDS + 240)) out
  while ((SECONDS < deadline)); do
    out=$(ring_console "$i" node:info ring:stats 2>&1 || true)
    if grep -q 'Node id' <<<"$out"; then
      grep -q 'Command not found' <<<"$out" || return 0
      if ((restarted == 0 && SECONDS > deadline - 180)); then
        log "node $i answers without its Ring; restarting it"
        _ring_stop_node "$i"
        ring_run "$i" "$(ring_node_dir "$i")/bin/start"
        restarted=1
      fi
    fi
    sleep 1
  done
  log "node $i did not answer with its Ring within 240 s; see $(ring_node_dir "$i")/data/log/karaf.log"
  return 1
}

_ring_alive() {
  local pid_file pid
  pid_file=$(ring_node_dir "$1")/karaf.pid
  [[ -f $pid_file ]] && pid=$(<"$pid_file") && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# ring_wait_ready DRIVER: until every node finds all nodes alive with DRIVER and the bundle runtime.
ring_wait_ready() {
  local driver=$1 i n deadline=$((SECONDS + 180))
  while ((SECONDS < deadline)); do
    local ok=1
    for i in $(seq 1 "$RING_SIZE"); do
      n=$(ring_console "$i" "ring:find driver=$driver runtime=bundle" | grep -E '^[0-9a-f]{12} ' | awk -F'[ |]+' '$4 == "ALIVE"' | wc -l)
      ((n == RING_SIZE)) || { ok=0; break; }
    done
    ((ok)) && return 0
    sleep 1
  done
  log "the nodes did not all see each other with $driver within 180 s"
  return 1
}

# The best container driver this machine has: runc, then LXC, then Docker (a dockerd must answer).
ring_best_driver() {
  if command -v runc >/dev/null && [[ $(id -u) -eq 0 ]]; then echo runc
  elif command -v lxc-execute >/dev/null && [[ $(id -u) -eq 0 ]]; then echo lxc
  elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then echo docker
  else return 1
  fi
}

# ring_stop: every node by its PID (bin/stop first), the containers their drivers left
# (a node killed with SIGKILL leaves them), then the namespaces and host link made here.
ring_stop() {
  [[ -f $RING_DIR/ring.state ]] || { log "no ring in $RING_DIR"; return 0; }
  local RING_NS=() RING_HOST_LINK='' i dir
  # shellcheck disable=SC1091
  source "$RING_DIR/ring.state"
  for dir in "$RING_DIR"/node*; do
    [[ -d $dir ]] || continue
    i=${dir##*/node}
    _ring_stop_node "$i"
    _ring_leftover_containers "$dir"
  done
  for ns in "${RING_NS[@]}"; do ip netns delete "$ns" 2>/dev/null || true; done
  [[ -n $RING_HOST_LINK ]] && ip link delete "$RING_HOST_LINK" 2>/dev/null
  rm -f "$RING_DIR/ring.state"
}

# Node i by its PID: bin/stop, then SIGKILL after 30 s.
_ring_stop_node() {
  local i=$1 dir pid
  dir=$(ring_node_dir "$i")
  if _ring_alive "$i"; then
    pid=$(<"$dir/karaf.pid")
    ring_run "$i" "$dir/bin/stop" >/dev/null 2>&1 || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "node $i stopped (pid $pid)"
  fi
  rm -f "$dir/karaf.pid"
}

_ring_leftover_containers() {
  local dir=$1 root id
  root=$dir/data/ringfellow/drivers/runc/root
  if [[ -d $root ]] && command -v runc >/dev/null; then
    for id in $(runc --root "$root" list -q 2>/dev/null); do
      runc --root "$root" delete -f "$id" >/dev/null 2>&1 && log "removed runc container $id"
    done
  fi
  root=$dir/data/ringfellow/drivers/lxc/containers
  if [[ -d $root ]] && command -v lxc-ls >/dev/null; then
    for id in $(lxc-ls -P "$root" --running 2>/dev/null); do
      lxc-stop -k -P "$root" -n "$id" >/dev/null 2>&1 && log "stopped lxc container $id"
    done
  fi
}
