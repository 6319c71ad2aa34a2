#!/bin/sh
# Installs updater: the sidecar (updater-sidecar.jar) and the agent (updater.jar) of one release,
# verified against the release's SHA256SUMS, and SHA256SUMS against its signature by the release key
# (with OpenSSL 3), before anything is installed.
#
#   curl -fsSL https://github.com/OWNER/REPO/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --version 1.2.3 --prefix /opt/updater
#
# Options (or the environment variables in brackets):
#   --version V      the release to install, e.g. 1.2.3 [UPDATER_VERSION] (default: the latest)
#   --prefix DIR     where to install [UPDATER_PREFIX] (default: /opt/updater as root, else ~/.updater)
#   --base-url URL   where releases are [UPDATER_BASE_URL] (default: where this script was released)
#   --public-key KEY the release key, ed25519:... [UPDATER_PUBLIC_KEY] (default: the one this script
#                    was released with)
#
# The URL layout it reads (GitHub's, which scripts/release.sh also writes for any static host):
#   BASE/latest/download/VERSION         the latest version, one line, e.g. 1.2.3
#   BASE/download/vV/SHA256SUMS          "<sha256>  <file>" lines
#   BASE/download/vV/SHA256SUMS.sig      Base64 Ed25519 signature of SHA256SUMS by the release key
#   BASE/download/vV/updater-sidecar.jar
#   BASE/download/vV/updater.jar
#
# URLs are https:// (plain http only to 127.0.0.1, localhost or [::1]), without a user name or
# password, and a redirect never leads from https to http, with curl or with GNU wget.
#
# Exit status: 0 installed; 1 nothing was installed (one line says why); 2 bad usage.
set -eu

# scripts/release.sh writes the release's own base URL and public key here, in the copy it attaches
# to a release.
DEFAULT_BASE_URL=""
DEFAULT_PUBLIC_KEY=""

say() {
  printf '%s\n' "$*"
}

fail() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

warn() {
  printf 'install.sh: warning: %s\n' "$*" >&2
}

# $1 with every byte that is not printable ASCII shown as '?', at most 300 of them: a URL from the
# network (a redirect's Location) never writes control sequences to the terminal.
printable() {
  printf '%s' "$1" | LC_ALL=C tr -c '[:print:]' '?' | cut -c 1-300
}

usage() {
  cat >&2 <<'EOF'
Usage: install.sh [--version V] [--prefix DIR] [--base-url URL] [--public-key KEY]
  --version V      the release to install, e.g. 1.2.3 [UPDATER_VERSION] (default: the latest)
  --prefix DIR     where to install [UPDATER_PREFIX] (default: /opt/updater as root, else ~/.updater)
  --base-url URL   where releases are [UPDATER_BASE_URL] (default: where this script was released)
  --public-key KEY the release key, ed25519:... [UPDATER_PUBLIC_KEY] (default: the one this script
                   was released with)
EOF
  exit 2
}

# Refuses URL $1 unless it is plainly https://HOST[:PORT]/PATH, or http:// to this machine. $2 is
# "base" for the release URL (its path in the few characters a release URL needs) or "redirect"
# for a Location the server sent (any printable path: signed query strings of download hosts).
# Threat: "http://127.0.0.1:@192.0.2.1/" reads as loopback, but "127.0.0.1:" is a user name and an
# empty password, and the host it connects to is 192.0.2.1.
check_url() {
  case "$1" in
    https://*) rest="${1#https://}" ;;
    http://*) rest="${1#http://}" ;;
    *) fail "$(printable "$1") is not an https:// URL; plain http is refused (except to 127.0.0.1 or localhost)." ;;
  esac
  authority="${rest%%/*}"
  url_path="${rest#"$authority"}"
  userinfo=""
  case "$2:$1" in base:*@*) userinfo=yes ;; esac
  case "$authority" in *@*) userinfo=yes ;; esac
  case "$userinfo" in
    yes) fail "the URL $(printable "$1") contains '@', a user name or password before the host, which can hide the host it really connects to; refused. Give the URL without it." ;;
  esac
  case "$authority" in
    \[*\]*) host="${authority%%]*}]" ;;
    *) host="${authority%%:*}" ;;
  esac
  port="${authority#"$host"}"
  case "$host" in
    \[*\]) case "$host" in \[*[!0-9A-Fa-f:.]*\]|\[\]) host="" ;; esac ;;
    *[!A-Za-z0-9.-]*) host="" ;;
  esac
  case "$port" in
    ''|:[0-9]|:[0-9][0-9]|:[0-9][0-9][0-9]|:[0-9][0-9][0-9][0-9]|:[0-9][0-9][0-9][0-9][0-9]) ;;
    *) host="" ;;
  esac
  case "$2:$url_path" in
    base:*[!A-Za-z0-9._~/%+=,:-]*|redirect:*[![:graph:]]*) host="" ;;
  esac
  [ -n "$host" ] || fail "$(printable "$1") is not a plain URL (https://HOST[:PORT]/PATH, the path in letters, digits and ._~/%+=,:-); refused."
  case "$1" in
    http://*)
      case "$host" in
        127.0.0.1|localhost|\[::1\]) ;;
        *) fail "$(printable "$1") is not an https:// URL; plain http is refused (except to 127.0.0.1 or localhost)." ;;
      esac ;;
  esac
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
    fetch_with_wget "$1" "$2"
  else
    fail "neither curl nor wget is installed; install one of them and run this again."
  fi
}

# GNU wget follows every redirect, https to http included (its --https-only covers recursive
# downloads only), so here it follows none: each Location is checked like the release URL and an
# https download never continues over plain http. Another wget (BusyBox) cannot be held to that.
fetch_with_wget() {
  case "$(wget --version 2>/dev/null)" in
    "GNU Wget"*) ;;
    *) fail "this wget is not GNU Wget and cannot be made to refuse a redirect from https to plain http; install curl and run this again." ;;
  esac
  url="$1"
  hops=0
  while :; do
    status=0
    wget --no-verbose --server-response --max-redirect=0 --tries=3 --timeout=60 --output-document="$2" "$url" \
      2>"$work/response" || status=$?
    [ "$status" = 0 ] && return 0
    code="$(sed -n 's/^  HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$work/response" | tail -n 1)"
    location="$(sed -n 's/^  [Ll]ocation: *//p' "$work/response" | tail -n 1 | tr -d '\r')"
    case "$code" in
      3[0-9][0-9]) [ -n "$location" ] || return 1 ;;
      *) return 1 ;;
    esac
    hops=$((hops + 1))
    [ "$hops" -le 10 ] || fail "$(printable "$1") redirects more than 10 times; refused."
    case "$location" in
      https://*|http://*) next="$location" ;;
      //*) next="${url%%//*}$location" ;;
      /*) rest="${url#*://}"; next="${url%%://*}://${rest%%/*}$location" ;;
      *) next="${url%/*}/$location" ;;
    esac
    # Threat: a release host, or anyone able to answer for it, sending the download to plain http.
    case "$url" in
      https://*)
        case "$next" in
          https://*) ;;
          *) fail "$(printable "$url") redirects to $(printable "$next"), which is not https; refused: a download that starts over https never continues unencrypted. Nothing was installed." ;;
        esac ;;
    esac
    check_url "$next" redirect
    url="$next"
  done
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
  public_key="${UPDATER_PUBLIC_KEY:-$DEFAULT_PUBLIC_KEY}"
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
      --public-key) [ $# -ge 2 ] || usage; public_key="$2"; shift 2 ;;
      -h|--help) usage ;;
      *) printf 'install.sh: unknown argument %s\n' "$1" >&2; usage ;;
    esac
  done
  base_url="${base_url%/}"
  [ -n "$base_url" ] || fail "no release URL: pass --base-url URL (for GitHub: https://github.com/OWNER/REPO/releases)."
  check_url "$base_url" base
  case "$public_key" in
    '') ;;
    ed25519:*[!A-Za-z0-9+/=]*|ed25519:) fail "the release key $(printable "$public_key") is not ed25519:<Base64>, the line 'updater-sidecar keygen' prints." ;;
    ed25519:*) ;;
    *) fail "the release key $(printable "$public_key") is not ed25519:<Base64>, the line 'updater-sidecar keygen' prints." ;;
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
  verify_checksums_signature
  for file in updater-sidecar.jar updater.jar; do
    fetch "$release_url/$file" "$work/$file" || fail "could not download $release_url/$file; nothing was installed."
  done
}

# Checks SHA256SUMS.sig, the Base64 Ed25519 signature of SHA256SUMS by the release key (as
# manifest.json.sig is of manifest.json), with OpenSSL 3. Threat: a release host or mirror that
# serves other jars with a SHA256SUMS to match: checksums alone only catch a broken download.
# Where it cannot check, it says so and installs on the checksums alone.
verify_checksums_signature() {
  alone="the jars are checked against SHA256SUMS alone, which catches a broken download but not a tampered release"
  if [ -z "$public_key" ]; then
    warn "could not verify the signature of SHA256SUMS: no release key is known (pass --public-key ed25519:... or set UPDATER_PUBLIC_KEY); $alone."
    return 0
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    warn "could not verify the signature of SHA256SUMS: openssl is not installed; $alone. Install OpenSSL 3 or newer for the full check."
    return 0
  fi
  openssl_version="$(openssl version 2>/dev/null || true)"
  case "$openssl_version" in
    "OpenSSL "[3-9].*|"OpenSSL "[1-9][0-9]*) ;;
    *) warn "could not verify the signature of SHA256SUMS: $(printable "$openssl_version") cannot check Ed25519 signatures (OpenSSL 3 or newer can); $alone."
       return 0 ;;
  esac
  fetch "$release_url/SHA256SUMS.sig" "$work/SHA256SUMS.sig" \
    || fail "could not download $release_url/SHA256SUMS.sig, the signature of SHA256SUMS; nothing was installed."
  printf -- '-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n' "${public_key#ed25519:}" > "$work/release.pub"
  if openssl base64 -d -A -in "$work/SHA256SUMS.sig" -out "$work/SHA256SUMS.sig.bin" >/dev/null 2>&1 \
    && openssl pkeyutl -verify -pubin -inkey "$work/release.pub" -rawin -in "$work/SHA256SUMS" \
      -sigfile "$work/SHA256SUMS.sig.bin" >/dev/null 2>&1; then
    say "  verified SHA256SUMS  signed by the release key $public_key"
  else
    fail "SHA256SUMS of $version is not signed by the release key $public_key; nothing was installed. The release or a mirror may have been tampered with: report it."
  fi
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
