#!/usr/bin/env bash
# The local stack: redis-server and the six services on this machine.
#
#   deploy/stack.sh up       install what is missing, build, start everything, wait until SERVING
#   deploy/stack.sh down     stop the services (SIGTERM) and Redis
#   deploy/stack.sh status   health of every service
#
# Ports: Redis 6380; campaign 50051, teleoperator 50052, matching 50053, contract 50054,
# scoring 50055, audit 50056 (override with CALLMATCH_REDIS_PORT and CALLMATCH_BASE_PORT).
# State under var/: redis/ (the AOF), log/ (one file per process), run/ (pid files), audit/ (the
# audit trail's HMAC key and anchors, which belong outside Redis).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

services=(campaign teleoperator matching contract scoring audit)
redis_port=${CALLMATCH_REDIS_PORT:-6380}
base_port=${CALLMATCH_BASE_PORT:-50051}
var="$root/var"
cli="$root/build/services/cli/callmatch"
server="$root/build/services/server/callmatch-server"

port_of() {  # port_of SERVICE
  local i
  for i in "${!services[@]}"; do
    [ "${services[$i]}" = "$1" ] && echo $((base_port + i)) && return
  done
}

export_addresses() {
  local service upper
  for service in "${services[@]}"; do
    upper=$(echo "$service" | tr '[:lower:]' '[:upper:]')
    export "CALLMATCH_${upper}_ADDR=127.0.0.1:$(port_of "$service")"
  done
}

alive() {  # alive PIDFILE
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

start_redis() {
  mkdir -p "$var/redis" "$var/log" "$var/run"
  if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    echo "redis: already running on 127.0.0.1:$redis_port"
    return
  fi
  redis-server "$root/deploy/redis.conf" --port "$redis_port" --dir "$var/redis" \
    --pidfile "$var/run/redis.pid" --logfile "$var/log/redis.log"
  for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$redis_port" ping >/dev/null
  echo "redis: started on 127.0.0.1:$redis_port (AOF, appendfsync always, data in var/redis)"
}

# The audit trail's HMAC key lives outside Redis, made once per installation.
audit_key() {
  mkdir -p "$var/audit"
  if ! [ -s "$var/audit/key" ]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$var/audit/key")
  fi
}

# The first operator credential, issued on this host (only its hash goes to Redis).
operator_credential() {
  local file="$var/operator.credential"
  if ! [ -s "$file" ]; then
    (umask 077 && "$server" --bootstrap_operator=operator --redis="127.0.0.1:$redis_port" |
      sed -n 's/.*"secret":"\([^"]*\)".*/\1/p' >"$file")
    echo "operator: credential issued into var/operator.credential"
  fi
}

start_service() {  # start_service NAME
  local name=$1 pidfile="$var/run/$1.pid"
  if alive "$pidfile"; then
    echo "$name: already running (pid $(cat "$pidfile"))"
    return
  fi
  CALLMATCH_SERVICE="$name" CALLMATCH_PORT="$(port_of "$name")" \
    CALLMATCH_REDIS_ADDR="127.0.0.1:$redis_port" \
    CALLMATCH_AUDIT_KEY_FILE="$var/audit/key" CALLMATCH_AUDIT_ANCHOR_FILE="$var/audit/anchors" \
    nohup "$server" >>"$var/log/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  echo "$name: started on 127.0.0.1:$(port_of "$name") (log var/log/$name.log)"
}

wait_serving() {
  for _ in $(seq 300); do
    "$cli" health >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  "$cli" health || true
  echo "stack: not every service reports SERVING after 60 s; see var/log/" >&2
  return 1
}

up() {
  deploy/setup.sh
  start_redis
  audit_key
  operator_credential
  for service in "${services[@]}"; do start_service "$service"; done
  export_addresses
  wait_serving
  "$cli" health
  cat <<MSG

callmatch is up. Call it with the CLI (addresses above are its defaults), as the operator:
  export CALLMATCH_CREDENTIAL_FILE=$var/operator.credential
  build/services/cli/callmatch health
  build/services/cli/callmatch services
  build/services/cli/callmatch methods
  build/services/cli/callmatch call CredentialService/WhoAmI
  build/services/cli/callmatch call ScoringService/ListRulebooks
  build/services/cli/callmatch call CampaignService/ListCompanies '{}'
Stop it with: deploy/stack.sh down
MSG
}

down() {
  local service pidfile
  for service in "${services[@]}"; do
    pidfile="$var/run/$service.pid"
    if alive "$pidfile"; then
      kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 100); do alive "$pidfile" || break; sleep 0.1; done
      echo "$service: stopped"
    fi
    rm -f "$pidfile"
  done
  if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || true
    echo "redis: stopped"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) export_addresses; "$cli" health ;;
  *) echo "usage: deploy/stack.sh up|down|status" >&2; exit 2 ;;
esac
