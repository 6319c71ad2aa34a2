#!/usr/bin/env bash
# Bytes on the wire of an unchanged poll (a conditional GET answered 304) over HTTP/2 + TLS, HTTP/1.1 + TLS and
# plain HTTP/1.1 (not a test): one nginx with three listeners on 127.0.0.1, a throwaway self-signed certificate
# made here by openssl, and the agent's real check (UpdateCheck) trusting it through a PKCS12 trust store.
# PollBytes counts the TCP payload both ways through a loopback relay; nginx logs $request_length/$bytes_sent.
# Installs nginx-light with apt-get if missing; compiles core and agent if their classes are missing (Maven
# serialized by /tmp/mvn.lock). Writes results.md next to this script. About 1 minute.
#
# Runs on each JDK of JAVA_HOMES (default: the default java, then JDK 25 if installed): JDK 17's HttpClient adds
# "Content-Length: 0" to every GET (fixed in JDK 19), 19 bytes a request.
#
#   bench/poll-bytes/run.sh            JAVA_HOMES=/usr/lib/jvm/temurin-25-jdk-amd64 bench/poll-bytes/run.sh
set -euo pipefail
PORT=${PORT:-18490}
DEFAULT_JAVA=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
if [ -z "${JAVA_HOMES:-}" ]; then
    JAVA_HOMES=$DEFAULT_JAVA
    [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && JAVA_HOMES="$JAVA_HOMES /usr/lib/jvm/temurin-25-jdk-amd64"
fi
JAVA_HOME=${JAVA_HOMES%% *}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/bench/poll-bytes

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    echo "Installing nginx-light ..."
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

WORK=$(mktemp -d /tmp/updater-poll-bytes.XXXXXX)
cleanup() {
    set +e
    [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
if [ ! -f agent/target/agent-classpath.txt ] || [ ! -d agent/target/classes/dev/updater/agent/check ]; then
    echo "== building core and agent"
    flock /tmp/mvn.lock ./mvnw -B -o -q -pl core,agent -am package -DskipTests
fi
CP="core/target/classes:agent/target/classes:$(cat agent/target/agent-classpath.txt)"
"$JAVA_HOME/bin/javac" -nowarn --release 17 -d "$WORK/classes" -cp "$CP" bench/poll-bytes/PollBytes.java

# A throwaway certificate for 127.0.0.1, valid one day, and a trust store holding only it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
"$JAVA_HOME/bin/keytool" -importcert -noprompt -alias poll-bytes -file "$WORK/cert.pem" \
    -keystore "$WORK/trust.p12" -storetype PKCS12 -storepass changeit >/dev/null

mkdir -p "$WORK/channel"
chmod 755 "$WORK"
H2=$PORT; H1TLS=$((PORT + 1)); H1=$((PORT + 2))
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log warn;
events { worker_connections 1024; }
http {
    log_format bytes '\$server_port \$server_protocol \$status \$request_length \$bytes_sent \$ssl_protocol';
    access_log $WORK/access.log bytes;
    client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fastcgi;
    uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
    server_tokens off;
    # 1 s: PollBytes polls within it to reuse a connection, and after it to open a new one per poll
    keepalive_timeout 1s;
    types { application/json json; application/java-archive jar; text/plain sig; }
    default_type application/octet-stream;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $WORK/channel;
    server { listen 127.0.0.1:$H2 ssl http2; }
    server { listen 127.0.0.1:$H1TLS ssl; }
    server { listen 127.0.0.1:$H1; }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/error.log"
{
    echo "# Bytes per unchanged poll"
    echo
    echo "Measured $(date -u +%Y-%m-%d) by \`bench/poll-bytes/run.sh\`: $("$NGINX" -v 2>&1 | sed 's/.*: //'), $(openssl version | cut -d' ' -f1-2),"
    echo "on 127.0.0.1. Each row: the agent's real check (\`UpdateCheck\`) polling an unchanged channel 6 times after a"
    echo "first 200. Relay bytes are the TCP payload each way (TLS records, HTTP/2 frames and all), per poll cycle (a new"
    echo "connection's handshake and close included); TCP/IP headers (about 52 bytes a segment) are not counted. nginx's"
    echo "figures cover the one request and its response only."
} > "$WORK/results.md"
for java in $JAVA_HOMES; do
    version=$("$java/bin/java" -version 2>&1 | head -1)
    echo "== unchanged polls: $("$NGINX" -v 2>&1), $version"
    rm -rf "$WORK"/home-*
    "$java/bin/java" -Djavax.net.ssl.trustStore="$WORK/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit \
        -Djavax.net.ssl.trustStoreType=PKCS12 -cp "$WORK/classes:$CP" PollBytes "$WORK" \
        "h2=$H2" "h1tls=$H1TLS" "h1=$H1" "$WORK/access.log"
    { echo; echo "## $version"; echo; cat "$WORK/table.md"; } >> "$WORK/results.md"
done
cp "$WORK/results.md" "$OUT/results.md"
echo "== wrote $OUT/results.md"
