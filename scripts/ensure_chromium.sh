#!/usr/bin/env sh
# The page tests (tests/pages/) drive Debian's Chromium. Install it when it is missing and
# we may (root with apt-get, as in CI); otherwise say what to do.
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Memasang Chromium untuk uji halaman / installing Chromium for the page tests ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium tidak ada / Chromium is missing: run 'sudo apt-get install chromium' (Debian/Ubuntu)" >&2
echo "and then 'make test' again. The page tests need it." >&2
exit 1
