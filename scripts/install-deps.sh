#!/bin/sh
# Installs what thinkbench needs on Debian 12, idempotently (packages already
# present are not fetched again): to build and run it, and with "test" also
# what only the tests use (Check, a browser and its WebDriver for the HTML
# report and the viewer, clang for the fuzzers, Valgrind, the sqlite3 and
# openssl command-line tools, and a one-node Slurm with munge for the cluster
# test).
#   sh scripts/install-deps.sh [test]
set -eu
pkgs="build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev libpcre2-dev
libjansson-dev libsqlite3-dev libmicrohttpd-dev libseccomp-dev zlib1g-dev gnuplot-nox bubblewrap python3
nodejs libexttextcat-2.0-0 libexttextcat-data"
if [ "${1:-}" = test ]; then
  pkgs="$pkgs check sqlite3 openssl curl chromium chromium-driver clang libclang-rt-14-dev valgrind
slurmctld slurmd slurm-client munge python3-yaml"
fi
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
