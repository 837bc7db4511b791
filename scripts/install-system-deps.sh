#!/usr/bin/env bash
# Installs the system programs regaudit's PDF report and its tests use: Chromium (prints the HTML
# report to PDF; the browser tests drive JupyterLab in it), poppler-utils (pdftoppm, pdfinfo: the tests
# look at PDF pages) and Java 17 (Spark, the second engine, which the parity tests run), Ghostscript
# (archives report.pdf as PDF/A-2b) and GnuPG (signs and verifies the report's manifest).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v gs >/dev/null 2>&1 || missing+=(ghostscript)
{ command -v gpg && command -v gpg-agent; } >/dev/null 2>&1 || missing+=(gnupg)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "regaudit needs: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} (apt-get) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
