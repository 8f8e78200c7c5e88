#!/bin/sh
# Installs what the test suite needs beyond `make setup`: Debian's chromium, which the
# dashboard's end-to-end test drives headless. Does nothing when a chromium is there.
set -eu

for browser in chromium chromium-browser; do
    command -v "$browser" >/dev/null 2>&1 && exit 0
done

if ! command -v apt-get >/dev/null 2>&1; then
    echo "the dashboard's browser test needs chromium: install it with your package manager" >&2
    exit 0  # that test skips locally and fails under CI with this message
fi
if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo"
else
    echo "the dashboard's browser test needs chromium: apt-get install chromium (as root)" >&2
    exit 0
fi
echo "installing chromium from apt for the dashboard's browser test (once)..."
$as_root apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
