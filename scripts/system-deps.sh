#!/usr/bin/env bash
# Install the system packages the reports need: Chromium (PDF and browser tests),
# Arabic and Latin fonts (so every machine prints the same PDF), poppler-utils
# (pdftoppm/pdffonts/pdftotext for the PDF tests). Installs only on Debian/Ubuntu
# as root; elsewhere it says what to install and fails.
set -euo pipefail
packages=(chromium fonts-noto-core fonts-hosny-amiri fonts-dejavu-core poppler-utils)

have_all() {
  command -v "${DRAWDOWN_CHROMIUM:-chromium}" >/dev/null 2>&1 || return 1
  command -v pdftoppm >/dev/null 2>&1 || return 1
  local fonts
  fonts=$(fc-list : family 2>/dev/null || true)
  [[ $fonts == *"Noto Naskh Arabic"* && $fonts == *"Amiri"* ]] || return 1
}

if have_all; then
  exit 0
fi
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  have_all && exit 0
  echo "error: installed ${packages[*]} but Chromium or the fonts are still not found" >&2
  exit 1
fi
cat >&2 <<MSG
error: the reports need Chromium, the Noto Naskh Arabic and Amiri fonts, and poppler-utils.
  Debian/Ubuntu (as root):  apt-get install ${packages[*]}
  Fedora:                   dnf install chromium google-noto-naskh-arabic-fonts amiri-fonts poppler-utils
  macOS (Homebrew):         brew install --cask chromium font-noto-naskh-arabic font-amiri && brew install poppler
  conda:                    conda install -c conda-forge poppler  (and a Chromium from your OS)
Or point DRAWDOWN_CHROMIUM at a Chromium/Chrome binary you already have.
MSG
exit 1
