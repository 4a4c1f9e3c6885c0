#!/bin/sh
# Installs what thinkbench needs to build, test and run on Debian 12. Idempotent:
# packages already present are not fetched again.
set -eu
pkgs="build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev libpcre2-dev
libjansson-dev libsqlite3-dev libmicrohttpd-dev zlib1g-dev check gnuplot-nox bubblewrap python3 nodejs
sqlite3 curl libexttextcat-2.0-0 libexttextcat-data chromium clang libclang-rt-14-dev valgrind"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
