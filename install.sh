#!/bin/sh
# Installs updater: the sidecar (updater-sidecar.jar) and the agent (updater.jar) of one release,
# verified against the release's SHA256SUMS before anything is installed.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --version 1.2.3 --prefix /opt/updater
#
# Options (or the environment variables in brackets):
#   --version V      the release to install, e.g. 1.2.3 [UPDATER_VERSION] (default: the latest)
#   --prefix DIR     where to install [UPDATER_PREFIX] (default: /opt/updater as root, else ~/.updater)
#   --base-url URL   where releases are [UPDATER_BASE_URL] (default: where this script was released)
#
# The URL layout it reads (GitHub's, which scripts/release.sh also writes for any static host):
#   BASE/latest/download/VERSION         the latest version, one line, e.g. 1.2.3
#   BASE/download/vV/SHA256SUMS          "<sha256>  <file>" lines
#   BASE/download/vV/updater-sidecar.jar
#   BASE/download/vV/updater.jar
#
# Exit status: 0 installed; 1 nothing was installed (one line says why); 2 bad usage.
set -eu

# scripts/release.sh writes the release's own base URL here, in the copy it attaches to a release.
DEFAULT_BASE_URL=""

say() {
  printf '%s\n' "$*"
}

fail() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat >&2 <<'EOF'
Usage: install.sh [--version V] [--prefix DIR] [--base-url URL]
  --version V      the release to install, e.g. 1.2.3 [UPDATER_VERSION] (default: the latest)
  --prefix DIR     where to install [UPDATER_PREFIX] (default: /opt/updater as root, else ~/.updater)
  --base-url URL   where releases are [UPDATER_BASE_URL] (default: where this script was released)
EOF
  exit 2
}

# Downloads $1 to file $2. Plain HTTP only to this machine (tests, 'updater-sidecar serve' on
# loopback); everywhere else HTTPS, also after redirects, so nobody on the path swaps the files.
fetch() {
  case "$1" in
    https://*) protocols='=https' ;;
    *) protocols='=http,https' ;;
  esac
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --proto "$protocols" --proto-redir "$protocols" \
      --retry 3 --connect-timeout 20 --max-time 600 --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=3 --timeout=60 --output-document="$2" "$1"
  else
    fail "neither curl nor wget is installed; install one of them and run this again."
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    fail "neither sha256sum nor shasum is installed, so the download cannot be verified; install coreutils or perl."
  fi
}

# The SHA-256 that SHA256SUMS lists for file $2 (sha256sum's text or binary form).
listed_sha256() {
  awk -v name="$2" '$2 == name || $2 == ("*" name) { print tolower($1); exit }' "$1"
}

parse_arguments() {
  version="${UPDATER_VERSION:-}"
  base_url="${UPDATER_BASE_URL:-$DEFAULT_BASE_URL}"
  if [ "$(id -u)" = 0 ]; then
    prefix="${UPDATER_PREFIX:-/opt/updater}"
  else
    prefix="${UPDATER_PREFIX:-${HOME:?HOME is not set; pass --prefix DIR}/.updater}"
  fi
  while [ $# -gt 0 ]; do
    case "$1" in
      --version) [ $# -ge 2 ] || usage; version="$2"; shift 2 ;;
      --prefix) [ $# -ge 2 ] || usage; prefix="$2"; shift 2 ;;
      --base-url) [ $# -ge 2 ] || usage; base_url="$2"; shift 2 ;;
      -h|--help) usage ;;
      *) printf 'install.sh: unknown argument %s\n' "$1" >&2; usage ;;
    esac
  done
  base_url="${base_url%/}"
  [ -n "$base_url" ] || fail "no release URL: pass --base-url URL (for GitHub: https://github.com/OWNER/REPO/releases)."
  case "$base_url" in
    https://*|http://127.0.0.1|http://127.0.0.1[:/]*|http://localhost|http://localhost[:/]*|http://\[::1\]*) ;;
    *) fail "$base_url is not an https:// URL; plain http is refused (except to 127.0.0.1 or localhost)." ;;
  esac
  case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
  esac
  case "$prefix" in
    *"'"*) fail "the prefix $prefix contains a single quote; choose another directory." ;;
  esac
}

# The latest version comes from BASE/latest/download/VERSION; after that every file is read from
# BASE/download/vV/, so a release published meanwhile cannot mix two versions.
resolve_version() {
  if [ -z "$version" ]; then
    fetch "$base_url/latest/download/VERSION" "$work/VERSION" \
      || fail "could not read the latest version from $base_url/latest/download/VERSION; check the URL, or pass --version V."
    version="$(head -n 1 "$work/VERSION" | tr -d '\r')"
  fi
  version="${version#v}"
  case "$version" in
    [0-9]*) ;;
    *) fail "'$version' is not a release version such as 1.2.3." ;;
  esac
  case "$version" in
    *[!0-9A-Za-z.+-]*) fail "'$version' is not a release version such as 1.2.3." ;;
  esac
  release_url="$base_url/download/v$version"
}

download_release() {
  say "Downloading updater $version from $release_url/"
  fetch "$release_url/SHA256SUMS" "$work/SHA256SUMS" \
    || fail "could not download $release_url/SHA256SUMS; is $version a released version?"
  for file in updater-sidecar.jar updater.jar; do
    fetch "$release_url/$file" "$work/$file" || fail "could not download $release_url/$file; nothing was installed."
  done
}

# Refuses the whole install if any jar differs from SHA256SUMS: a truncated download, a broken
# mirror or a tampered file is never installed.
verify_release() {
  for file in updater-sidecar.jar updater.jar; do
    expected="$(listed_sha256 "$work/SHA256SUMS" "$file")"
    [ -n "$expected" ] || fail "SHA256SUMS of $version does not list $file; nothing was installed."
    actual="$(sha256_of "$work/$file")"
    if [ "$actual" != "$expected" ]; then
      fail "$file does not match SHA256SUMS (expected sha256 $expected, got $actual); nothing was installed. Try again; if it persists, report it: the release or a mirror may have been tampered with."
    fi
    say "  verified $file  sha256 $actual"
  done
}

# Each file is copied beside its final name, then renamed over it: a service running the old jar
# keeps reading the old file, and an interrupted install never leaves a half-written jar.
install_release() {
  mkdir -p "$prefix/bin" || fail "cannot create $prefix; choose another with --prefix DIR, or run as a user who can write there."
  for file in updater-sidecar.jar updater.jar; do
    cp "$work/$file" "$prefix/.$file.new"
    chmod 0644 "$prefix/.$file.new"
    mv -f "$prefix/.$file.new" "$prefix/$file"
  done
  printf '%s\n' "$version" > "$prefix/.VERSION.new"
  mv -f "$prefix/.VERSION.new" "$prefix/VERSION"
  {
    printf '#!/bin/sh\n'
    printf '# Runs the updater sidecar installed by install.sh.\n'
    # shellcheck disable=SC2016 # $JAVA and $@ are for the wrapper to expand, not this script
    printf 'exec "${JAVA:-java}" -jar '"'%s'"' "$@"\n' "$prefix/updater-sidecar.jar"
  } > "$prefix/bin/.updater-sidecar.new"
  chmod 0755 "$prefix/bin/.updater-sidecar.new"
  mv -f "$prefix/bin/.updater-sidecar.new" "$prefix/bin/updater-sidecar"
}

print_next_steps() {
  say "Installed updater $version into $prefix:"
  say "  $prefix/updater-sidecar.jar   the sidecar (run, watch, status, publish, ...)"
  say "  $prefix/updater.jar           the agent, for the service's -javaagent option"
  say "  $prefix/bin/updater-sidecar   runs the sidecar: $prefix/bin/updater-sidecar --help"
  if ! command -v java >/dev/null 2>&1; then
    say "Note: no 'java' on PATH; updater needs Java 17 or newer."
  fi
  say "Next: create a signing key, then follow docs/getting-started.md:"
  say "  $prefix/bin/updater-sidecar keygen --out ./keys"
}

main() {
  parse_arguments "$@"
  work="$(mktemp -d 2>/dev/null || mktemp -d -t updater-install)"
  trap 'rm -rf "$work"' EXIT
  trap 'exit 1' HUP INT TERM
  resolve_version
  download_release
  verify_release
  install_release
  print_next_steps
}

main "$@"
