#!/usr/bin/env bash
# Private Elasticsearch for tests/CI: one node (state under var/elasticsearch/),
# or with ES_NODES=N a cluster of N nodes on loopback.
#
#   elasticsearch.sh start   fetch (Maven Central), unpack, configure, start;
#                            prints the URL on stdout (a cluster: the nodes'
#                            URLs, comma-separated, as ELASTICSEARCH_URL takes them)
#   elasticsearch.sh stop    stop it, every node of a cluster (no error if not running)
#   elasticsearch.sh url     print the URL (a cluster: the URLs, comma-separated)
#   elasticsearch.sh status  exit 0 if the node answers (a cluster: all N nodes joined)
#
# A cluster (ES_NODES=N, N > 1) is one cluster `tabadul-ci-<ES_PORT>` of N master-eligible
# data nodes: node K (1..N) serves HTTP on ES_PORT+K-1 and transport on ES_PORT+100+K-1,
# discovery.seed_hosts lists every transport port, cluster.initial_master_nodes every node.
# Its state is under var/elasticsearch/cluster-<ES_PORT>/node-K/ (config, data, logs, tmp,
# run/elasticsearch.pid), apart from the single node's; the distribution and the plugin are
# shared. The single node's transport port is its ES_PORT+100, so give a cluster an ES_PORT
# whose ranges miss it (scripts/test.sh: 9211, beside the single node on 9201). Two more
# verbs, for the tests that take a node away:
#
#   ES_NODES=N elasticsearch.sh kill-node K   SIGKILL node K (a crash: no shutdown, no
#                                             goodbye to the cluster); returns once it is gone
#   ES_NODES=N elasticsearch.sh start-node K  start node K again; returns once the cluster
#                                             has its N nodes
#
# Env: ES_VERSION (default 8.19.21), ES_PORT (default 9201), ES_NODES (default 1),
#      ES_JAVA_HOME (default: newest full JDK 17..25 under /usr/lib/jvm),
#      ES_HEAP (default 512m, per node), ES_START_TIMEOUT (seconds, default 120),
#      TABADUL_ES_ANALYSIS_PLUGIN (default 1: build + install the stand-in
#      analysis plugin from es-analysis-plugin/, see README.md)
set -euo pipefail

# shellcheck source=scripts/services/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

ES_VERSION="${ES_VERSION:-8.19.21}"
ES_PORT="${ES_PORT:-9201}"
ES_HEAP="${ES_HEAP:-512m}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"
ES_ANALYSIS_PLUGIN="${TABADUL_ES_ANALYSIS_PLUGIN:-1}"
ES_NODES="${ES_NODES:-1}"
[[ "$ES_NODES" =~ ^[1-9][0-9]*$ ]] || { echo "ES_NODES must be a positive integer" >&2; exit 2; }
ES_HOST=127.0.0.1
ES_URL="http://$ES_HOST:$ES_PORT"
ES_OS_USER=tabadul-es
ES_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"

ES_BASE="$VAR_DIR/elasticsearch"
ES_DIST_DIR="$ES_BASE/dist"
ES_ZIP="$ES_DIST_DIR/elasticsearch-$ES_VERSION.zip"
ES_HOME="$ES_BASE/elasticsearch-$ES_VERSION"
ES_DATA="$ES_BASE/data"
ES_LOGS="$ES_BASE/logs"
ES_TMP="$ES_BASE/tmp"
ES_RUN="$ES_BASE/run"
ES_PIDFILE="$ES_RUN/elasticsearch.pid"
ES_CLUSTER=tabadul-ci
ES_LOG="$ES_LOGS/$ES_CLUSTER.log"
ES_STARTUP_OUT="$ES_LOGS/startup.out"
PLUGIN_NAME=tabadul-analysis
PLUGIN_SRC="$SERVICES_DIR/es-analysis-plugin/src"
PLUGIN_BUILD="$ES_BASE/plugin-build"

# --- install ----------------------------------------------------------------

ensure_tools() {
  local -a pkgs=()
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  command -v unzip >/dev/null 2>&1 || pkgs+=(unzip)
  command -v curl >/dev/null 2>&1 || pkgs+=(curl ca-certificates)
  if [ "${#pkgs[@]}" -gt 0 ]; then apt_install "${pkgs[@]}"; fi
}

fetch_dist() {
  if [ -f "$ES_HOME/.tabadul-unpacked" ]; then return 0; fi
  if [ -s "$ES_ZIP" ] && unzip -tqq "$ES_ZIP" >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$ES_DIST_DIR"
  rm -f "$ES_ZIP"
  log "fetching $ES_ARTIFACT (Maven Central)"
  # Run from an empty dir so no project pom.xml is picked up.
  local mvn_log="$ES_BASE/mvn.log"
  if ! (cd "$ES_DIST_DIR" && mvn -B -Dstyle.color=never dependency:copy -Dartifact="$ES_ARTIFACT" \
          -DoutputDirectory="$ES_DIST_DIR" -Dmdep.overWriteReleases=true) >"$mvn_log" 2>&1; then
    tail -n 30 "$mvn_log" >&2
    die "mvn dependency:copy $ES_ARTIFACT failed (log: ${mvn_log#"$REPO_ROOT"/})"
  fi
  [ -s "$ES_ZIP" ] || die "expected $ES_ZIP after mvn dependency:copy"
}

unpack_dist() {
  if [ -x "$ES_HOME/bin/elasticsearch" ] && [ -f "$ES_HOME/.tabadul-unpacked" ]; then
    return 0
  fi
  log "unpacking ${ES_ZIP#"$REPO_ROOT"/}"
  local tmp="$ES_BASE/.unpack.$$"
  rm -rf "$tmp" "$ES_HOME"
  mkdir -p "$tmp"
  unzip -q "$ES_ZIP" -d "$tmp" || { rm -rf "$tmp"; die "unzip failed"; }
  [ -x "$tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ] \
    || { rm -rf "$tmp"; die "zip has no elasticsearch-$ES_VERSION/bin/elasticsearch"; }
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rmdir "$tmp"
  # Pristine copy of the shipped config; we regenerate elasticsearch.yml.
  cp -a "$ES_HOME/config" "$ES_HOME/config.dist"
  touch "$ES_HOME/.tabadul-unpacked"
}

# --- JDK --------------------------------------------------------------------

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# The integ-test zip has no bundled JDK, so one must be chosen: the newest
# full JDK (java + javac, javac builds the stand-in plugin) under
# /usr/lib/jvm whose major version is within ES 8.19's range. Checked here:
# Temurin 25 and Debian's OpenJDK 17 both run ES 8.19 (checked with 8.19.7 and 8.19.21).
ES_MIN_JAVA=17
ES_MAX_JAVA="${ES_MAX_JAVA:-25}"
pick_java_home() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then
    [ -x "$ES_JAVA_HOME/bin/java" ] || die "ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"
    printf '%s' "$ES_JAVA_HOME"
    return 0
  fi
  local d real major best="" best_major=0
  local -A seen=()
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    if [ ! -x "$d/bin/java" ] || [ ! -x "$d/bin/javac" ]; then continue; fi
    real="$(readlink -f "$d")"
    [ -z "${seen[$real]:-}" ] || continue
    seen[$real]=1
    major="$(java_major "$d" || true)"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [ "$major" -ge "$ES_MIN_JAVA" ] && [ "$major" -le "$ES_MAX_JAVA" ] && [ "$major" -gt "$best_major" ]; then
      best="$real"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    log "no JDK $ES_MIN_JAVA..$ES_MAX_JAVA under /usr/lib/jvm; installing openjdk-17-jdk-headless"
    apt_install openjdk-17-jdk-headless
    best="$(readlink -f "/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)" 2>/dev/null || true)"
    [ -x "$best/bin/java" ] || die "no usable JDK found after install"
  fi
  printf '%s' "$best"
}

# --- stand-in analysis plugin ----------------------------------------------
# The integ-test zip lacks the analysis-common module (no arabic analyzer, no
# asciifolding/ngram/edge_ngram, which Wagtail's index settings need). We
# compile es-analysis-plugin/ against the distribution's own jars (no extra
# downloads) and drop it into plugins/.

install_analysis_plugin() {
  local java_home="$1" dest="$ES_HOME/plugins/$PLUGIN_NAME"
  if [ "$ES_ANALYSIS_PLUGIN" = "0" ]; then
    if [ -d "$dest" ]; then log "removing plugin $PLUGIN_NAME"; rm -rf "$dest"; fi
    return 0
  fi
  if [ -d "$ES_HOME/modules/analysis-common" ]; then
    log "distribution has analysis-common; stand-in plugin not needed"
    rm -rf "$dest"
    return 0
  fi
  local stamp
  stamp="$( { echo "$ES_VERSION"; find "$PLUGIN_SRC" -type f -name '*.java' -print0 \
              | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)"
  if [ -f "$dest/$PLUGIN_NAME.jar" ] && [ "$(cat "$PLUGIN_BUILD/stamp" 2>/dev/null || true)" = "$stamp" ]; then
    return 0
  fi
  # javac/jar from the runtime JDK, else from any JDK >= 17 (ES_JAVA_HOME
  # may point at a JRE).
  local jdk="" d
  for d in "$java_home" /usr/lib/jvm/*; do
    if [ -x "$d/bin/javac" ] && [ -x "$d/bin/jar" ] && [ "$(java_major "$d" || echo 0)" -ge 17 ]; then
      jdk="$d"; break
    fi
  done
  [ -n "$jdk" ] || die "no JDK with javac found (needed to build $PLUGIN_NAME; or set TABADUL_ES_ANALYSIS_PLUGIN=0)"
  local javac="$jdk/bin/javac" jar="$jdk/bin/jar"
  log "building plugin $PLUGIN_NAME against Elasticsearch $ES_VERSION jars"
  rm -rf "$PLUGIN_BUILD"
  mkdir -p "$PLUGIN_BUILD/classes"
  local -a sources=()
  mapfile -t sources < <(find "$PLUGIN_SRC" -type f -name '*.java' | sort)
  if ! "$javac" --release 17 -nowarn -encoding UTF-8 -cp "$ES_HOME/lib/*" \
        -d "$PLUGIN_BUILD/classes" "${sources[@]}" >"$PLUGIN_BUILD/javac.log" 2>&1; then
    tail -n 40 "$PLUGIN_BUILD/javac.log" >&2
    die "compiling $PLUGIN_NAME failed (ES_VERSION=$ES_VERSION; set TABADUL_ES_ANALYSIS_PLUGIN=0 to skip)"
  fi
  "$jar" --create --file "$PLUGIN_BUILD/$PLUGIN_NAME.jar" -C "$PLUGIN_BUILD/classes" . \
    || die "jar $PLUGIN_NAME failed"
  rm -rf "$dest"
  mkdir -p "$dest"
  cp "$PLUGIN_BUILD/$PLUGIN_NAME.jar" "$dest/"
  cat >"$dest/plugin-descriptor.properties" <<EOF
description=Stand-in for analysis-common (arabic, asciifolding, ngram, edge_ngram) and rest-root (GET /) for the integ-test zip
version=$ES_VERSION
name=$PLUGIN_NAME
classname=org.tabadul.esanalysis.TabadulAnalysisPlugin
java.version=17
elasticsearch.version=$ES_VERSION
EOF
  printf '%s\n' "$stamp" >"$PLUGIN_BUILD/stamp"
}

# --- user, dirs, config -----------------------------------------------------

ensure_user() {
  if ! id -u "$ES_OS_USER" >/dev/null 2>&1; then
    log "creating system user $ES_OS_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$ES_OS_USER"
  fi
}

write_config() {
  local yml="$ES_HOME/config/elasticsearch.yml"
  {
    echo "# Generated by scripts/services/elasticsearch.sh; edits are overwritten."
    echo "cluster.name: $ES_CLUSTER"
    echo "node.name: tabadul-ci-node"
    echo "discovery.type: single-node"
    echo "network.host: $ES_HOST"
    echo "http.port: $ES_PORT"
    echo "transport.port: $((ES_PORT + 100))"
    echo "path.data: $ES_DATA"
    echo "path.logs: $ES_LOGS"
    echo "cluster.routing.allocation.disk.threshold_enabled: false"
    echo "action.destructive_requires_name: false"
    # Only set x-pack settings if the x-pack modules are in this zip (the
    # 8.x integ-test zip has x-pack-core and x-pack-security).
    if [ -d "$ES_HOME/modules/x-pack-security" ]; then
      echo "xpack.security.enabled: false"
    fi
  } >"$yml"
}

prepare_dirs() {
  mkdir -p "$ES_DATA" "$ES_LOGS" "$ES_TMP" "$ES_RUN"
  chown -R "$ES_OS_USER:" "$ES_HOME" "$ES_DATA" "$ES_LOGS" "$ES_TMP" "$ES_RUN"
  chmod 755 "$ES_BASE"
  ensure_traversable "$ES_OS_USER" "$ES_HOME/bin"
  ensure_traversable "$ES_OS_USER" "$ES_DATA"
}

# --- runtime helpers --------------------------------------------------------

# es_pid: the pid from our pidfile, if that process is alive and really is
# our Elasticsearch (guards against pid reuse after a reboot).
es_pid() { pidfile_pid "$ES_PIDFILE" "-Des.path.home=$ES_HOME"; }

# Note: GET / is 405 on the integ-test zip (no rest-root module), so probe
# the cluster health endpoint instead.
es_answers() {
  curl -fsS -m 5 "$ES_URL/_cluster/health?timeout=1s" >/dev/null 2>&1
}

show_logs() {
  # Stack frames dropped so the cause ("Caused by: ...") stays in view.
  local drop='^[[:space:]]+(at |\.\.\. [0-9]+ more|Suppressed: )'
  if [ -s "$ES_LOG" ]; then
    log "---- tail of ${ES_LOG#"$REPO_ROOT"/} (stack frames omitted) ----"
    grep -vE "$drop" "$ES_LOG" | tail -n 40 | cut -c1-400 >&2 || true
  fi
  # Console output: only what is not a copy of the log (JVM/launcher errors).
  if [ -s "$ES_STARTUP_OUT" ] && grep -vE "$drop" "$ES_STARTUP_OUT" | grep -qvE '^\[[0-9]{4}-'; then
    log "---- tail of ${ES_STARTUP_OUT#"$REPO_ROOT"/} ----"
    grep -vE "$drop" "$ES_STARTUP_OUT" | grep -vE '^\[[0-9]{4}-' | tail -n 20 | cut -c1-400 >&2 || true
  fi
}

# wait_ready [PID]: 0 = healthy (yellow or green); 1 = PID died; 2 = timeout.
wait_ready() {
  local deadline=$((SECONDS + ES_START_TIMEOUT)) pid="${1:-}"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fsS -m 10 "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null 2>&1; then
      return 0
    fi
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      return 1
    fi
    sleep 1
  done
  return 2
}

# --- subcommands ------------------------------------------------------------

cmd_start() {
  require_root
  local t0=$SECONDS pid=""
  if es_answers; then
    log "a node already answers on $ES_URL"
    wait_ready || die "the node on $ES_URL does not reach yellow health"
    printf '%s\n' "$ES_URL"
    return 0
  fi
  if pid="$(es_pid)"; then
    log "pid $pid from the pidfile is alive but not answering yet; waiting"
    if wait_ready "$pid"; then
      printf '%s\n' "$ES_URL"
      return 0
    fi
    pid_alive "$pid" && die "pid $pid is alive but $ES_URL is not healthy; run '$0 stop' first"
    log "pid $pid exited; starting afresh"
  fi
  if port_in_use "$ES_HOST" "$ES_PORT"; then
    die "port $ES_PORT is in use, but not by a healthy Elasticsearch; set ES_PORT or free the port"
  fi
  if port_in_use "$ES_HOST" "$((ES_PORT + 100))"; then
    die "transport port $((ES_PORT + 100)) (ES_PORT+100) is in use; set ES_PORT or free the port"
  fi
  ensure_tools
  fetch_dist
  unpack_dist
  ensure_user
  local java_home
  java_home="$(pick_java_home)"
  install_analysis_plugin "$java_home"
  write_config
  prepare_dirs
  rm -f "$ES_PIDFILE"
  # Keep one previous log, so a failure shows only this start's lines.
  if [ -f "$ES_LOG" ]; then mv -f "$ES_LOG" "$ES_LOG.prev"; fi
  log "starting Elasticsearch $ES_VERSION on $ES_URL (JDK $(java_major "$java_home"): $java_home)"
  # cwd = logs dir: the shipped jvm.options writes gc.log/hs_err relative to it.
  if ! (cd "$ES_LOGS" && runuser -u "$ES_OS_USER" -- env -u JAVA_HOME \
          ES_JAVA_HOME="$java_home" \
          ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_EXTRA_JAVA_OPTS:-}" \
          ES_TMPDIR="$ES_TMP" ES_PATH_CONF="$ES_HOME/config" \
          "$ES_HOME/bin/elasticsearch" -d -p "$ES_PIDFILE") >"$ES_STARTUP_OUT" 2>&1; then
    show_logs
    die "bin/elasticsearch -d failed"
  fi
  pid="$(es_pid || true)"
  local rc=0
  wait_ready "$pid" || rc=$?
  if [ "$rc" -ne 0 ]; then
    show_logs
    if [ "$rc" -eq 1 ]; then die "Elasticsearch (pid $pid) exited during startup"; fi
    die "Elasticsearch not ready on $ES_URL after ${ES_START_TIMEOUT}s"
  fi
  log "ready after $((SECONDS - t0))s: $ES_URL"
  printf '%s\n' "$ES_URL"
}

cmd_stop() {
  local pid
  if ! pid="$(es_pid)"; then
    log "Elasticsearch is not running (no live pid in ${ES_PIDFILE#"$REPO_ROOT"/})"
    rm -f "$ES_PIDFILE"
    return 0
  fi
  log "stopping Elasticsearch (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local _
  for _ in $(seq 1 60); do
    pid_alive "$pid" || { rm -f "$ES_PIDFILE"; log "stopped"; return 0; }
    sleep 1
  done
  log "still running after 60s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 10); do
    pid_alive "$pid" || break
    sleep 1
  done
  rm -f "$ES_PIDFILE"
}

cmd_status() {
  if es_answers; then log "up on $ES_URL"; else log "down"; return 1; fi
}

# --- a cluster (ES_NODES > 1) -----------------------------------------------

CLUSTER_BASE="$ES_BASE/cluster-$ES_PORT"
CLUSTER_NAME="tabadul-ci-$ES_PORT"

node_http_port() { printf '%s' "$((ES_PORT + $1 - 1))"; }
node_transport_port() { printf '%s' "$((ES_PORT + 100 + $1 - 1))"; }
node_url() { printf 'http://%s:%s' "$ES_HOST" "$(node_http_port "$1")"; }
node_dir() { printf '%s/node-%s' "$CLUSTER_BASE" "$1"; }
node_pidfile() { printf '%s/run/elasticsearch.pid' "$(node_dir "$1")"; }

cluster_urls() {
  local k urls=""
  for k in $(seq 1 "$ES_NODES"); do urls="${urls:+$urls,}$(node_url "$k")"; done
  printf '%s' "$urls"
}

check_node_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$ES_NODES" ] \
    || die "expected a node number 1..$ES_NODES, got '${1:-}'"
}

# node_pid K: node K's live pid (its own tmp dir is on the java command line).
node_pid() { pidfile_pid "$(node_pidfile "$1")" "-Djava.io.tmpdir=$(node_dir "$1")/tmp"; }

node_answers() {
  curl -fsS -m 5 "$(node_url "$1")/_cluster/health?timeout=1s" >/dev/null 2>&1
}

write_node_config() {
  local k="$1" dir seeds="" masters="" j
  dir="$(node_dir "$k")"
  for j in $(seq 1 "$ES_NODES"); do
    seeds="${seeds:+$seeds, }\"$ES_HOST:$(node_transport_port "$j")\""
    masters="${masters:+$masters, }\"node-$j\""
  done
  mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp" "$dir/run"
  # The shipped jvm.options and log4j2.properties; elasticsearch.yml is ours.
  if [ ! -f "$dir/config/jvm.options" ]; then cp -a "$ES_HOME/config.dist/." "$dir/config/"; fi
  {
    echo "# Generated by scripts/services/elasticsearch.sh (ES_NODES=$ES_NODES); edits are overwritten."
    echo "cluster.name: $CLUSTER_NAME"
    echo "node.name: node-$k"
    echo "network.host: $ES_HOST"
    echo "http.port: $(node_http_port "$k")"
    echo "transport.port: $(node_transport_port "$k")"
    echo "discovery.seed_hosts: [$seeds]"
    # Read only when the cluster forms for the first time (its data directories are empty).
    echo "cluster.initial_master_nodes: [$masters]"
    echo "path.data: $dir/data"
    echo "path.logs: $dir/logs"
    echo "cluster.routing.allocation.disk.threshold_enabled: false"
    echo "action.destructive_requires_name: false"
    if [ -d "$ES_HOME/modules/x-pack-security" ]; then
      echo "xpack.security.enabled: false"
    fi
  } >"$dir/config/elasticsearch.yml"
  chown -R "$ES_OS_USER:" "$dir"
  chmod 755 "$ES_BASE" "$CLUSTER_BASE"
  ensure_traversable "$ES_OS_USER" "$dir/data"
}

# launch_node K JAVA_HOME: bin/elasticsearch -d for node K (returns once its JVM has started;
# it joins or forms the cluster in the background).
launch_node() {
  local k="$1" java_home="$2" dir
  dir="$(node_dir "$k")"
  if port_in_use "$ES_HOST" "$(node_http_port "$k")" || port_in_use "$ES_HOST" "$(node_transport_port "$k")"; then
    die "node $k: port $(node_http_port "$k") or $(node_transport_port "$k") is in use; set ES_PORT"
  fi
  rm -f "$(node_pidfile "$k")"
  if [ -f "$dir/logs/$CLUSTER_NAME.log" ]; then mv -f "$dir/logs/$CLUSTER_NAME.log" "$dir/logs/$CLUSTER_NAME.log.prev"; fi
  (cd "$dir/logs" && runuser -u "$ES_OS_USER" -- env -u JAVA_HOME \
      ES_JAVA_HOME="$java_home" \
      ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_EXTRA_JAVA_OPTS:-}" \
      ES_TMPDIR="$dir/tmp" ES_PATH_CONF="$dir/config" \
      "$ES_HOME/bin/elasticsearch" -d -p "$(node_pidfile "$k")") >"$dir/logs/startup.out" 2>&1
}

show_node_logs() {
  local dir
  dir="$(node_dir "$1")"
  ES_LOG="$dir/logs/$CLUSTER_NAME.log" ES_STARTUP_OUT="$dir/logs/startup.out" show_logs
}

# wait_cluster: 0 once any node reports all N nodes joined and yellow or green; 2 on timeout.
wait_cluster() {
  local deadline=$((SECONDS + ES_START_TIMEOUT)) k
  while [ "$SECONDS" -lt "$deadline" ]; do
    for k in $(seq 1 "$ES_NODES"); do
      if curl -fsS -m 10 "$(node_url "$k")/_cluster/health?wait_for_nodes=$ES_NODES&wait_for_status=yellow&timeout=5s" \
           >/dev/null 2>&1; then
        return 0
      fi
    done
    sleep 1
  done
  return 2
}

prepare_install() {
  require_root
  ensure_tools
  fetch_dist
  unpack_dist
  ensure_user
  JAVA_HOME_PICKED="$(pick_java_home)"
  install_analysis_plugin "$JAVA_HOME_PICKED"
}

# start_nodes K...: launch the given nodes at once (a node's -d start waits for the others to
# form a cluster with), then wait for the whole cluster.
start_nodes() {
  local k failed=0 pids=() t0=$SECONDS
  for k in "$@"; do write_node_config "$k"; done
  log "starting node(s) $* of $CLUSTER_NAME (Elasticsearch $ES_VERSION, heap $ES_HEAP each)"
  for k in "$@"; do
    launch_node "$k" "$JAVA_HOME_PICKED" &
    pids+=("$!")
  done
  for k in "${!pids[@]}"; do wait "${pids[$k]}" || failed=1; done
  if [ "$failed" -ne 0 ] || ! wait_cluster; then
    for k in "$@"; do show_node_logs "$k"; done
    die "the $ES_NODES-node cluster did not form (or reach yellow health) within ${ES_START_TIMEOUT}s"
  fi
  log "cluster ready after $((SECONDS - t0))s: $(cluster_urls)"
}

cmd_cluster_start() {
  local k missing=()
  for k in $(seq 1 "$ES_NODES"); do
    if ! node_answers "$k" && ! node_pid "$k" >/dev/null; then missing+=("$k"); fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    prepare_install
    start_nodes "${missing[@]}"
  else
    wait_cluster || die "the nodes on $(cluster_urls) do not form a healthy $ES_NODES-node cluster"
  fi
  printf '%s\n' "$(cluster_urls)"
}

stop_node() {
  local k="$1" pid _
  pid="$(node_pid "$k")" || { rm -f "$(node_pidfile "$k")"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    pid_alive "$pid" || { rm -f "$(node_pidfile "$k")"; return 0; }
    sleep 1
  done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 10); do pid_alive "$pid" || break; sleep 1; done
  rm -f "$(node_pidfile "$k")"
}

cmd_cluster_stop() {
  local k pids=()
  log "stopping $CLUSTER_NAME"
  for k in $(seq 1 "$ES_NODES"); do stop_node "$k" & pids+=("$!"); done
  for k in "${pids[@]}"; do wait "$k" || true; done
  log "stopped"
}

cmd_kill_node() {
  check_node_arg "${1:-}"
  local k="$1" pid _
  pid="$(node_pid "$k")" || die "node $k is not running"
  kill -KILL "$pid"
  for _ in $(seq 1 100); do
    pid_alive "$pid" || { rm -f "$(node_pidfile "$k")"; log "node $k (pid $pid) killed"; return 0; }
    sleep 0.1
  done
  die "node $k (pid $pid) still alive 10 s after SIGKILL"
}

cmd_start_node() {
  check_node_arg "${1:-}"
  if node_pid "$1" >/dev/null; then
    wait_cluster || die "node $1 runs but the cluster has not got its $ES_NODES nodes"
    return 0
  fi
  prepare_install
  start_nodes "$1"
}

cmd_cluster_status() {
  local k
  for k in $(seq 1 "$ES_NODES"); do
    if curl -fsS -m 5 "$(node_url "$k")/_cluster/health?wait_for_nodes=$ES_NODES&timeout=1s" >/dev/null 2>&1; then
      log "up: $CLUSTER_NAME, $ES_NODES nodes on $(cluster_urls)"
      return 0
    fi
  done
  log "down (or fewer than $ES_NODES nodes)"
  return 1
}

if [ "$ES_NODES" -gt 1 ]; then
  case "${1:-}" in
    start) cmd_cluster_start ;;
    stop) cmd_cluster_stop ;;
    url) printf '%s\n' "$(cluster_urls)" ;;
    status) cmd_cluster_status ;;
    kill-node) cmd_kill_node "${2:-}" ;;
    start-node) cmd_start_node "${2:-}" ;;
    *) echo "usage: ES_NODES=$ES_NODES $0 {start|stop|url|status|kill-node K|start-node K}" >&2; exit 2 ;;
  esac
  exit
fi

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) printf '%s\n' "$ES_URL" ;;
  status) cmd_status ;;
  *) echo "usage: $0 {start|stop|url|status}" >&2; exit 2 ;;
esac
