#!/usr/bin/env sh
# System libraries Qt needs on Debian/Ubuntu, installed with apt-get when missing (as root), else named.
#   .ci/system-deps.sh test   offscreen Qt (the test suite): EGL/GL, xkbcommon, fontconfig, dbus, CJK font
#   .ci/system-deps.sh gui    the same plus the X11 (xcb) platform plugin's libraries, for `make run`
set -eu
what=${1:-test}
packages="libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-wqy-microhei"
if [ "$what" = gui ]; then
    packages="$packages libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
              libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0"
fi
command -v dpkg-query >/dev/null 2>&1 || exit 0  # not Debian-like: nothing we know how to check
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "Qt needs these system packages, please install them:  sudo apt-get install$missing" >&2
fi
