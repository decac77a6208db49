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
# audit trail's HMAC key and anchors, which belong outside Redis), demo/ (the demo dataset and the
# credentials issued for its clients).
#
# `up` loads a demo once the services serve (docs/operations.md): a dataset from callmatch-generate
# (CALLMATCH_DEMO_TELEOPERATORS, default 3000) written into the platform by callmatch-seed, once:
# a second `up` finds it loaded. CALLMATCH_DEMO=0 skips it. CALLMATCH_BUILD_DIR (default build/)
# and CALLMATCH_SKIP_SETUP=1 run binaries built elsewhere without installing or building.
set -euo pipefail
# The daemons started below must not inherit descriptors the caller holds open (a build lock taken
# with flock, a pipe): they would keep them for their whole life.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

services=(campaign teleoperator matching contract scoring audit)
redis_port=${CALLMATCH_REDIS_PORT:-6380}
base_port=${CALLMATCH_BASE_PORT:-50051}
var="$root/var"
build="${CALLMATCH_BUILD_DIR:-$root/build}"
cli="$build/services/cli/callmatch"
server="$build/services/server/callmatch-server"
generate="$build/matching/generator/callmatch-generate"
seed="$build/services/load/callmatch-seed"

# The demo's size and its contracts (through ContractService; 0 loads none, and the third example,
# a risky contract, then has nothing to show).
demo_teleoperators=${CALLMATCH_DEMO_TELEOPERATORS:-3000}
demo_contracts=${CALLMATCH_DEMO_CONTRACTS:-1}
# Days of activity logged per contract (the first ones; 0: every generated day). Each day logged
# rescores its contract over the teleoperator's whole history: every day (about 12,000) took 434 s.
demo_logs_per_contract=${CALLMATCH_DEMO_LOGS_PER_CONTRACT:-5}

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

# The demo dataset, generated once for the day of the first `up` (its dates are relative to it)
# and loaded through the API with request_ids, so a rerun replays instead of writing twice.
demo_data() {
  local dir="$var/demo" summary
  if ! [ -s "$dir/manifest.json" ]; then
    rm -rf "$dir.tmp"
    "$generate" --out="$dir.tmp" --seed=1 --today="$(date -u +%F)" \
      --teleoperators="$demo_teleoperators" --companies=$((demo_teleoperators / 10)) \
      --campaigns=$((demo_teleoperators / 50 > 20 ? demo_teleoperators / 50 : 20)) >/dev/null
    mv "$dir.tmp" "$dir"
  fi
  if ! [ -s "$dir/seeded.json" ]; then
    echo "demo: loading $demo_teleoperators teleoperators, their companies and campaigns (var/demo)"
    local contracts=()
    [ "$demo_contracts" = 1 ] &&
      contracts=(--contracts --activity_logs --logs_per_contract="$demo_logs_per_contract")
    summary=$("$seed" --dir="$dir" --credential_file="$var/operator.credential" --concurrency=32 \
      --quiet "${contracts[@]}")
    echo "$summary" >"$dir/seeded.json"
  fi
  echo "demo: loaded ($(cat "$dir/seeded.json"))"
}

# The secret issued for client company $1, from the seeding tool's file, into a file of its own.
client_credential() {
  local file="$var/demo/$1.credential"
  if ! [ -s "$file" ]; then
    (umask 077 && grep "\"id\":\"$1\"" "$var/demo/credentials.jsonl" | grep KIND_CLIENT |
      head -1 | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p' >"$file") || true
  fi
  echo "$file"
}

# Three calls worth trying on the demo: a match (as the campaign's client), an explanation (as the
# operator: why a teleoperator with a salaried job is or is not eligible), a risky contract.
demo_examples() {
  local dir="$var/demo" campaign="" fallback="" fallback_count=0 name count client teleoperator
  local risky shown=${cli#"$root"/}
  for name in $(grep CAMPAIGN_STATE_OPEN "$dir/campaigns.jsonl" |
    sed -n 's/^{"name":"\([^"]*\)".*/\1/p'); do
    count=$(CALLMATCH_CREDENTIAL_FILE="$var/operator.credential" "$cli" call \
      MatchingService/MatchCampaign "{\"campaign\":\"$name\",\"top_k\":1}" 2>/dev/null |
      sed -n 's/.*"eligible_count":"\([0-9]*\)".*/\1/p' || true)
    # A selective campaign shows ranking best: 10 eligible or more, but not most of them.
    if [ "${count:-0}" -ge 10 ] && [ "$count" -le $((demo_teleoperators / 5)) ]; then
      campaign=$name
      break
    fi
    if [ -z "$fallback" ] && [ "${count:-0}" -gt 0 ]; then fallback=$name fallback_count=$count; fi
  done
  [ -n "$campaign" ] || campaign=$fallback count=$fallback_count
  [ -n "$campaign" ] || return 0
  client=$(echo "$campaign" | cut -d/ -f2)
  teleoperator=$(head -1 "$dir/employments.jsonl" | sed -n 's/^{"name":"\(teleoperators\/[^/]*\)\/.*/\1/p')
  cat <<MSG

Try the demo ($campaign has $count eligible teleoperators):
  # the ranked lawful teleoperators, as the campaign's client sees them
  $shown --credential_file=$(client_credential "$client") call MatchingService/MatchCampaign '{"campaign":"$campaign","top_k":5}'
  # every rule's outcome for one teleoperator with a salaried job, as an operator (an audited read)
  $shown --credential_file=$var/operator.credential call MatchingService/ExplainEligibility '{"campaign":"$campaign","teleoperator":"$teleoperator"}'
MSG
  # CRITICAL first: the band that blocks activation by default; else HIGH.
  risky=$( (grep -o '"RISK_BAND_CRITICAL":{[^}]*}' "$dir/seeded.json";
    grep -o '"RISK_BAND_HIGH":{[^}]*}' "$dir/seeded.json") | head -1 |
    sed -n 's/.*"example":"\([^"]*\)".*/\1/p' || true)
  if [ -n "$risky" ]; then
    cat <<MSG
  # a risky contract: its assessment, indicators, legal references and remediations
  $shown --credential_file=$var/operator.credential call ContractService/GetContract '{"name":"$risky"}'
MSG
  else
    echo "  # (no contracts in the demo: CALLMATCH_DEMO_CONTRACTS=0)"
  fi
}

up() {
  [ "${CALLMATCH_SKIP_SETUP:-0}" = 1 ] || deploy/setup.sh
  start_redis
  audit_key
  operator_credential
  # The services call each other (contract -> scoring) at these addresses too: exported first,
  # so that a stack on other ports (CALLMATCH_BASE_PORT) does not call another stack's services.
  export_addresses
  for service in "${services[@]}"; do start_service "$service"; done
  wait_serving
  "$cli" health
  if [ "${CALLMATCH_DEMO:-1}" = 1 ]; then
    demo_data
    demo_examples
  fi
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
