# Shared by scripts/demo and scripts/test: what a fresh Debian machine needs.
# Sourced, not run.

# Debian packages the build and the tests need: a JDK, a C compiler and static libc for the
# container monitor (bundles/org.ringfellow.container.host), the container engines the drivers
# are tested against, iproute2 for network namespaces, busybox-static for root file systems,
# chromium and chromium-driver for the browser tests (itests browser/HeadlessChromium).
RINGFELLOW_PACKAGES=(openjdk-17-jdk-headless gcc libc6-dev busybox-static runc crun tini lxc lxc-templates docker.io iproute2 procps curl chromium chromium-driver)

log() { printf '\033[1m[ringfellow]\033[0m %s\n' "$*" >&2; }

# Installs what is missing (as root, with apt-get); says what to do when not root.
ensure_packages() {
  local missing=()
  local p
  for p in "${RINGFELLOW_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    if command -v javac >/dev/null && javac -version 2>&1 | grep -qE ' (1[7-9]|2[0-9])'; then
      log "not root: skipping packages ${missing[*]} (container-engine tests need them; run as root to install)"
      return 0
    fi
    log "missing packages: ${missing[*]}; run: sudo apt-get install -y ${missing[*]}"
    return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The JDK 17 that Maven must use, whatever is first on PATH.
ensure_java_home() {
  if [[ -z ${JAVA_HOME:-} ]]; then
    local javac_path
    javac_path=$(readlink -f "$(command -v javac)")
    export JAVA_HOME=${javac_path%/bin/javac}
  fi
}
