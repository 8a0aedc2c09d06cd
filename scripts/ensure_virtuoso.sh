#!/usr/bin/env sh
# The store contract tests (tests/contract/) also run against a real Virtuoso 7 that they
# start themselves. Install Debian's package when it is missing and we may (root with
# apt-get, as in CI); otherwise say so and carry on: those tests then skip, naming this script.
set -eu
if command -v virtuoso-t >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Memasang Virtuoso 7 untuk uji kontrak penyimpanan / installing Virtuoso 7 for the store contract tests ..."
  # A failed install must not stop the suite: those tests then skip and say why.
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7 >/dev/null; then
    exit 0
  fi
  echo "Virtuoso tidak terpasang / could not install Virtuoso: its contract tests will skip." >&2
  exit 0
fi
echo "Virtuoso tidak ada / Virtuoso is missing: the contract tests on Virtuoso will skip." >&2
echo "Install it with 'sudo apt-get install virtuoso-opensource-7' (Debian/Ubuntu) to run them." >&2
