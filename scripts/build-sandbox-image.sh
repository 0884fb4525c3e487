#!/usr/bin/env bash
# Build the Docker sandbox image with no registry: debootstrap a minimal Debian bookworm,
# install the packages in docker/sandbox/packages.txt, `docker import` the tree as a base
# image, then add the executor agent and metadata on top (docker create/cp/commit).
#
# Cache rule (what .ci/run relies on):
#   - base image  <repo>-base:<h>   h = sha256(packages.txt, BASE_RECIPE_VERSION, suite, mirror)
#     is reused whenever an image with that tag exists locally.
#   - final image $PLAYGROUND_DOCKER_IMAGE carries label org.rollout-playground.inputs-hash =
#     sha256(base hash, docker/sandbox/{agent,runtime}/*, docker/sandbox/languages.json, this script).
#     When the local image already carries the same hash, nothing is rebuilt.
#   - warm layer  <repo>-warm:<w>   w = sha256(base hash, the warm-up recipe, runtime/csharp/Launcher.cs,
#     runtime/jvm-cds.sh): Go build cache, C# launcher, JVM class-data archives; reused like the base.
#   Set SANDBOX_IMAGE_FORCE=1 to rebuild both anyway. Downloaded .debs are kept in
#   $SANDBOX_BUILD_CACHE (default /var/cache/rollout-playground) so a rebuild is mostly offline.
#
# Usage: npm run sandbox:image        (needs root, debootstrap and a reachable Debian mirror)
#        scripts/build-sandbox-image.sh --print-hash   (print the final inputs hash and exit)
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT_DIR/docker/sandbox"
IMAGE="${PLAYGROUND_DOCKER_IMAGE:-rollout-playground-sandbox:1}"
SUITE="${SANDBOX_SUITE:-bookworm}"
MIRROR="${SANDBOX_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${SANDBOX_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
CACHE="${SANDBOX_BUILD_CACHE:-/var/cache/rollout-playground}"
FORCE="${SANDBOX_IMAGE_FORCE:-0}"
# Bump when the base recipe below changes in a way that must invalidate cached bases.
BASE_RECIPE_VERSION=2
SANDBOX_UID=1000

log() { printf '[sandbox-image] %s\n' "$*" >&2; }

packages() { grep -v '^\s*#' "$SRC/packages.txt" | grep -v '^\s*$' | tr '\n' ' '; }

base_hash() {
  { cat "$SRC/packages.txt"; echo "recipe=$BASE_RECIPE_VERSION suite=$SUITE mirror=$MIRROR"; } |
    sha256sum | cut -c1-16
}

final_hash() {
  {
    base_hash
    (cd "$SRC" && find agent runtime languages.json -type f | LC_ALL=C sort | xargs sha256sum)
    sha256sum "$ROOT_DIR/scripts/build-sandbox-image.sh" | cut -d' ' -f1
  } | sha256sum | cut -c1-32
}

if [[ "${1:-}" == "--print-hash" ]]; then final_hash; exit 0; fi

REPO="${IMAGE%:*}"
[[ "$REPO" == "$IMAGE" ]] && REPO="$IMAGE"
BASE_IMAGE="${REPO}-base:$(base_hash)"
HASH="$(final_hash)"

command -v docker >/dev/null || { log "docker CLI not found (apt-get install docker.io)"; exit 1; }
docker info >/dev/null 2>&1 || { log "Docker daemon not reachable (DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock})"; exit 1; }

current="$(docker image inspect "$IMAGE" --format '{{ index .Config.Labels "org.rollout-playground.inputs-hash" }}' 2>/dev/null || true)"
if [[ "$FORCE" != "1" && "$current" == "$HASH" ]]; then
  log "$IMAGE is up to date (inputs-hash $HASH); nothing to do"
  exit 0
fi

build_base() {
  command -v debootstrap >/dev/null || { log "debootstrap not found (apt-get install debootstrap)"; exit 1; }
  [[ $EUID -eq 0 ]] || { log "the offline build needs root (debootstrap + chroot)"; exit 1; }
  mkdir -p "$CACHE/debootstrap" "$CACHE/apt-archives/partial"
  local rootfs
  rootfs="$(mktemp -d /var/tmp/sandbox-rootfs.XXXXXX)"
  cleanup_base() {
    for m in var/cache/apt/archives dev/pts dev proc sys; do
      mountpoint -q "$rootfs/$m" 2>/dev/null && umount -l "$rootfs/$m" || true
    done
    rm -rf --one-file-system "$rootfs"
  }
  trap cleanup_base EXIT

  log "debootstrap $SUITE (minbase) into $rootfs from $MIRROR"
  debootstrap --variant=minbase --cache-dir="$CACHE/debootstrap" "$SUITE" "$rootfs" "$MIRROR" >&2

  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
  cat >"$rootfs/etc/apt/apt.conf.d/90sandbox" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
EOF
  # dpkg without an fsync per file (the tree is thrown away if the build dies), and without the
  # manuals, docs and translations nobody reads in a sandbox: much less I/O for ~600 packages.
  # Copyright files stay. The fsync setting goes again once the packages are in.
  printf 'force-unsafe-io\n' >"$rootfs/etc/dpkg/dpkg.cfg.d/90sandbox-build"
  printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' 'path-exclude=/usr/share/man/*' \
    'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' 'path-include=/usr/share/locale/locale.alias' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/90sandbox-nodoc"
  # No services may start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod +x "$rootfs/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf" 2>/dev/null || true

  mount -t proc proc "$rootfs/proc"
  mount --bind /dev "$rootfs/dev"
  mount --bind "$CACHE/apt-archives" "$rootfs/var/cache/apt/archives"

  local pkgs
  pkgs="$(packages)"
  log "apt-get install: $pkgs"
  chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get update >&2
  # shellcheck disable=SC2086
  chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get install -y $pkgs >&2
  chroot "$rootfs" /usr/bin/env LC_ALL=C apt-get clean >&2

  rm -f "$rootfs/etc/dpkg/dpkg.cfg.d/90sandbox-build"
  umount -l "$rootfs/var/cache/apt/archives" "$rootfs/dev" "$rootfs/proc"
  rm -f "$rootfs/usr/sbin/policy-rc.d" "$rootfs/etc/resolv.conf"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/log/*.log "$rootfs"/tmp/* 2>/dev/null || true

  log "importing $BASE_IMAGE"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change "LABEL org.rollout-playground.base-hash=$(base_hash)" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    - "$BASE_IMAGE" >&2
  cleanup_base
  trap - EXIT
}

if [[ "$FORCE" == "1" ]] || ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  build_base
else
  log "reusing base image $BASE_IMAGE"
fi

if [[ "${SANDBOX_BASE_ONLY:-0}" == "1" ]]; then exit 0; fi

# Every declared language must be runnable in the base, or the build fails here rather than at run time.
langs="$(node -e 'const l=require(process.argv[1]);process.stdout.write(l.languages.map(x=>x.name).join(","))' "$SRC/languages.json")"
# Runners from runtime/bin are added below; what they call (esbuild, mcs, mono) must be in the base.
checks="$(node -e 'const fs=require("fs"),l=require(process.argv[1]),own=new Set(fs.readdirSync(process.argv[2]));const bins=[...l.languages.map(x=>x.binary).filter(b=>!own.has(b)),"esbuild","mcs","mono"];process.stdout.write(bins.map(b=>"command -v "+b+" >/dev/null || { echo missing "+b+"; exit 1; }").join("\n"))' "$SRC/languages.json" "$SRC/runtime/bin")"
log "checking languages: $langs"
docker run --rm --network none --entrypoint /bin/sh "$BASE_IMAGE" -c "$checks
python3 -c 'import numpy, sympy, scipy, pandas, matplotlib, ipykernel, jupyter_client, requests, flask, django, bs4, lxml, PIL, openpyxl, sklearn, statsmodels, seaborn, networkx, nltk, cryptography, Cryptodome, yaml, sortedcontainers, pydantic, psutil'" >&2

# The warm layer, between the base and the final image: a Go build cache (Debian's Go ships no
# precompiled standard library; each run copies it into its writable GOCACHE instead of compiling
# the runtime), built in GOPATH mode over Debian's Go sources as go/go_test run, testify included;
# the C# launcher (runtime/csharp/Launcher.cs); the JVM compilers' class-data archives
# (runtime/jvm-cds.sh). Tagged <repo>-warm:<sha256(base hash, this recipe, those two files)>, so an
# agent or languages.json change reuses it and only the quick final step runs again.
WARM_RECIPE='set -e
mkdir -p /opt/sandbox/gocache /tmp/w && cd /tmp/w
printf "package main\nimport (\n\"fmt\"\n\"testing\"\n\"github.com/stretchr/testify/assert\"\n)\nfunc TestW(t *testing.T) { assert.Equal(t, 1, 1) }\nfunc main() { fmt.Println(1) }\n" > main_test.go
export GOCACHE=/opt/sandbox/gocache GOPATH=/tmp/gopath:/usr/share/gocode GO111MODULE=off GOFLAGS=
go test main_test.go >/dev/null
printf "package main\nimport \"fmt\"\nfunc main() { fmt.Println(1) }\n" > main.go
go build -o main main.go
chmod -R a+rX /opt/sandbox/gocache && cd / && rm -rf /tmp/w /tmp/gopath
mkdir -p /opt/sandbox/runtime/csharp
mcs -nologo -optimize -out:/opt/sandbox/runtime/csharp/launcher.exe /tmp/Launcher.cs
chmod a+r /opt/sandbox/runtime/csharp/launcher.exe
sh /tmp/jvm-cds.sh /opt/sandbox/cds
rm -f /tmp/Launcher.cs /tmp/jvm-cds.sh'
WARM_HASH="$( { base_hash; printf '%s' "$WARM_RECIPE"; cat "$SRC/runtime/csharp/Launcher.cs" "$SRC/runtime/jvm-cds.sh"; } | sha256sum | cut -c1-16)"
WARM_IMAGE="${REPO}-warm:$WARM_HASH"
if [[ "$FORCE" == "1" ]] || ! docker image inspect "$WARM_IMAGE" >/dev/null 2>&1; then
  log "warming Go, C# and JVM caches -> $WARM_IMAGE"
  wid="$(docker create --network none --entrypoint /bin/sh "$BASE_IMAGE" -c "$WARM_RECIPE")"
  trap 'docker rm -f "$wid" >/dev/null 2>&1 || true' EXIT
  docker cp "$SRC/runtime/csharp/Launcher.cs" "$wid:/tmp/Launcher.cs"
  docker cp "$SRC/runtime/jvm-cds.sh" "$wid:/tmp/jvm-cds.sh"
  docker start -a "$wid" >&2
  docker commit --change "LABEL org.rollout-playground.warm-hash=$WARM_HASH" "$wid" "$WARM_IMAGE" >&2
  docker rm -f "$wid" >/dev/null
  trap - EXIT
else
  log "reusing warm layer $WARM_IMAGE"
fi

log "adding the executor agent -> $IMAGE"
cid="$(docker create --network none --entrypoint /bin/true "$WARM_IMAGE")"
trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
stage="$(mktemp -d /var/tmp/sandbox-stage.XXXXXX)"
mkdir -p "$stage/opt/sandbox/runtime" "$stage/etc/sandbox" "$stage/sandbox" "$stage/etc/matplotlib" "$stage/home/sandbox" "$stage/usr/local/bin"
cp -r "$SRC/agent/." "$stage/opt/sandbox/"
cp -r "$SRC/runtime/." "$stage/opt/sandbox/runtime/"
# Language runners (tsrun, csharp-compile, csharp-run) on every run's PATH.
install -m 0755 "$SRC"/runtime/bin/* "$stage/usr/local/bin/"
cp "$SRC/languages.json" "$stage/etc/sandbox/languages.json"
# statx-compat.so (runtime/statx-compat.c says why: coreutils' stat and ls under gVisor), built by the
# image's own compiler and preloaded into every process.
mkdir -p "$stage/usr/local/lib"
docker run --rm --network none --user 0:0 -v "$SRC/runtime:/src:ro" -v "$stage/usr/local/lib:/out" --entrypoint gcc "$WARM_IMAGE" \
  -O2 -Wall -shared -fPIC -o /out/statx-compat.so /src/statx-compat.c >&2
chmod 0755 "$stage/usr/local/lib/statx-compat.so"
echo /usr/local/lib/statx-compat.so >"$stage/etc/ld.so.preload"
# A non-root user that owns the working directory.
docker cp "$cid:/etc/passwd" "$stage/passwd"
docker cp "$cid:/etc/group" "$stage/group"
mkdir -p "$stage/etc"
grep -v '^sandbox:' "$stage/passwd" >"$stage/etc/passwd"; rm "$stage/passwd"
echo "sandbox:x:$SANDBOX_UID:$SANDBOX_UID:sandbox:/home/sandbox:/bin/bash" >>"$stage/etc/passwd"
grep -v '^sandbox:' "$stage/group" >"$stage/etc/group"; rm "$stage/group"
echo "sandbox:x:$SANDBOX_UID:" >>"$stage/etc/group"
# Headless plotting; notebooks display PNGs inline.
echo 'backend: Agg' >"$stage/etc/matplotlib/matplotlibrc"
chown -R "$SANDBOX_UID:$SANDBOX_UID" "$stage/sandbox" "$stage/home/sandbox"
chmod 0755 "$stage/opt/sandbox" "$stage/opt/sandbox/runtime"
tar --numeric-owner -C "$stage" -c . | docker cp - "$cid:/"
rm -rf "$stage"

docker commit \
  --change "LABEL org.rollout-playground.inputs-hash=$HASH" \
  --change "LABEL org.rollout-playground.languages=$langs" \
  --change "LABEL org.rollout-playground.agent=/opt/sandbox/agent.py" \
  --change "LABEL org.rollout-playground.base=$BASE_IMAGE" \
  --change "LABEL org.rollout-playground.warm=$WARM_IMAGE" \
  --change "USER $SANDBOX_UID:$SANDBOX_UID" \
  --change 'WORKDIR /sandbox' \
  --change 'ENV HOME=/home/sandbox LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg MPLCONFIGDIR=/tmp/.mpl GOCACHE=/tmp/.gocache GOPATH=/tmp/.gopath' \
  --change 'ENTRYPOINT ["/usr/bin/python3", "-u", "/opt/sandbox/agent.py"]' \
  --change 'CMD []' \
  "$cid" "$IMAGE" >&2
docker rm -f "$cid" >/dev/null
trap - EXIT
# The image this one replaced is now untagged: drop it (only our own, by label).
docker image prune -f --filter "label=org.rollout-playground.agent" >/dev/null || true
log "built $IMAGE (inputs-hash $HASH; languages $langs)"
