#!/usr/bin/env bash
# Install what `broker-advisor sandbox` needs from Debian packages; safe to run again.
#
# Installs only what is missing: redis-server (+ redis-sentinel where packaged separately, and
# redis-tools), rabbitmq-server, a Java runtime >= 17, Maven and openssl (the TLS modes' CA). The sandbox runs its own broker processes on
# other ports, so the system services that Debian's postinst may start are never relied on; the
# install asks invoke-rc.d not to start them, and on systemd hosts newly installed ones are disabled.
set -euo pipefail

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
        echo "install-brokers.sh: run as root, or install sudo" >&2
        exit 2
    fi
    SUDO=(sudo)
fi

# Another installer may be running: wait for the dpkg lock instead of failing.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
# DRY_RUN=1 prints the apt-get commands instead of running them.
if [[ ${DRY_RUN:-0} == 1 ]]; then
    APT=(echo "[dry run]" "${APT[@]}")
    SUDO=(echo "[dry run]" "${SUDO[@]}")
fi

java_ok() {
    command -v java >/dev/null || return 1
    local version major
    version=$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)
    major=${version%%.*}
    [[ $major == 1 ]] && major=$(echo "$version" | cut -d. -f2)
    [[ $major =~ ^[0-9]+$ ]] && ((major >= 17))
}

have_pkg() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

apt_has() {
    apt-cache show "$1" >/dev/null 2>&1
}

updated=0
apt_update_once() {
    if ((updated == 0)); then
        "${APT[@]}" update -q
        updated=1
    fi
}

wanted=()
command -v redis-server >/dev/null || wanted+=(redis-server)
# The sandbox runs Sentinel as `redis-server --sentinel`; the package only adds the unit file
# and the redis-sentinel name, installed when Debian ships it separately (bookworm does).
if ! have_pkg redis-sentinel && ! command -v redis-sentinel >/dev/null; then
    apt_update_once
    apt_has redis-sentinel && wanted+=(redis-sentinel)
fi
[[ -x /usr/sbin/rabbitmq-server || -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] \
    || wanted+=(rabbitmq-server)
if ! java_ok; then
    apt_update_once
    if apt_has openjdk-17-jre-headless; then
        wanted+=(openjdk-17-jre-headless)
    else
        wanted+=(default-jre-headless)
    fi
fi
command -v mvn >/dev/null || wanted+=(maven)
# The production modes' local CA (sandbox up --tls) and the Redis Cluster's creation.
command -v openssl >/dev/null || wanted+=(openssl)
command -v redis-cli >/dev/null || wanted+=(redis-tools)

if ((${#wanted[@]} == 0)); then
    echo "install-brokers.sh: everything is already installed"
else
    apt_update_once
    echo "install-brokers.sh: installing ${wanted[*]}"
    # policy-rc.d exit 101 asks invoke-rc.d not to start services during this install.
    policy=/usr/sbin/policy-rc.d
    created_policy=0
    if [[ ! -e $policy && ${DRY_RUN:-0} != 1 ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
        "${SUDO[@]}" chmod 755 "$policy"
        created_policy=1
    fi
    trap '[[ $created_policy == 1 ]] && "${SUDO[@]}" rm -f "$policy"' EXIT
    "${APT[@]}" install -y -q --no-install-recommends "${wanted[@]}"
fi

# Packages installed just now would have their services enabled for the next boot (systemd
# hosts); disable those so they do not hold the standard ports for ever. Services that were
# already installed are someone else's choice and stay as they are.
if [[ -d /run/systemd/system ]]; then
    for unit in "${wanted[@]}"; do
        case $unit in
        redis-server | redis-sentinel | rabbitmq-server)
            "${SUDO[@]}" systemctl disable --now "$unit.service" >/dev/null 2>&1 || true
            ;;
        esac
    done
fi

version_of() {
    command -v "$1" >/dev/null || { echo "$1 missing"; return; }
    case $1 in
    redis-server) redis-server --version | awk '{print "redis-server", $3}' ;;
    java) java -version 2>&1 | head -n1 ;;
    mvn) mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g' ;;
    esac
}
echo "install-brokers.sh: $(version_of redis-server); rabbitmq-server" \
    "$(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo missing);" \
    "$(version_of java); $(version_of mvn)"
