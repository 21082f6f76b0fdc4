#!/usr/bin/env bash
# Installs what the browser test (ConsoleBrowserIT) drives: Debian's chromium and its chromedriver.
# Selenium is pointed at /usr/bin/chromedriver and /usr/bin/chromium; it never downloads a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver
