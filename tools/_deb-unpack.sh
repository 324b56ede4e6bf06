# Sourced by the installers that unpack Debian packages without installing them (nginx.sh, busybox.sh):
# deb_unpack CACHE PACKAGE... downloads the packages once with `apt-get download` (after `apt-get update` when one is
# unknown) into CACHE/debs and unpacks them (dpkg -x, nothing installed or started) into CACHE/root, unless
# CACHE/root/<marker> exists; one download at a time per cache (jest's workers may ask at once: a second caller waits,
# then finds it unpacked). Usage: deb_unpack "$cache" "$marker" pkg...
deb_unpack() {
  local cache=$1 marker=$2
  shift 2
  mkdir -p "$cache"
  exec 9>"$cache/install.lock"
  flock 9
  if [ ! -x "$cache/root/$marker" ]; then
    mkdir -p "$cache/debs" "$cache/root"
    (
      cd "$cache/debs"
      if ! apt-get download "$@" >/dev/null 2>&1; then
        apt-get update >/dev/null
        apt-get download "$@" >/dev/null
      fi
      for deb in ./*.deb; do dpkg -x "$deb" "$cache/root"; done
    )
  fi
  exec 9>&-
}
