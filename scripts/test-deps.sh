#!/bin/sh
# Installs what the test suite needs beyond `make setup`: Debian's chromium, which the
# dashboard's end-to-end test drives headless, and Debian's tor, which the crawler's Tor
# tests start offline (DisableNetwork). Does nothing when both are there.
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || missing="$missing chromium"
command -v tor >/dev/null 2>&1 || [ -x /usr/sbin/tor ] || missing="$missing tor"
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "the browser and Tor tests need:$missing: install them with your package manager" >&2
    exit 0  # those tests skip locally and fail under CI with this message
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo"
else
    echo "the browser and Tor tests need:$missing: apt-get install$missing (as root)" >&2
    exit 0
fi
echo "installing$missing from apt for the browser and Tor tests (once)..."
$as_root apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    $missing >/dev/null
