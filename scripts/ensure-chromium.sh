#!/bin/sh
# The browser end-to-end test plays sessions in Debian's Chromium (/usr/bin/chromium). On a fresh Debian machine
# this installs it with apt when it is missing and we may (root, or sudo without a password); otherwise it says
# what to do. KVS_BROKER_SKIP_BROWSER=1 skips the browser test on purpose; KVS_BROKER_CHROMIUM names another binary.
set -eu
[ "${KVS_BROKER_SKIP_BROWSER:-}" = "1" ] && exit 0
chromium="${KVS_BROKER_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $chromium is missing and this is not a Debian-like system: install Chromium and set KVS_BROKER_CHROMIUM, or set KVS_BROKER_SKIP_BROWSER=1" >&2
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  echo "ensure-chromium: $chromium is missing: run 'sudo apt-get install -y chromium' (or set KVS_BROKER_SKIP_BROWSER=1)" >&2
  exit 0
fi
echo "ensure-chromium: installing Debian's chromium for the browser test" >&2
$as_root apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium fonts-liberation >&2
