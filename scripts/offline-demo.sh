#!/usr/bin/env bash
# A walk through offline door readers, with real processes on this machine:
#   server up: grant online, a phone revoked; server down: offline grant, replay denied, the revoked phone denied;
#   the reader killed with SIGKILL and restarted; server up again: every decision in the audit log exactly once.
# Needs: curl, and the launcher (./gatehouse builds itself on first use). Everything lives in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
export GATEHOUSE_WALLET_PASSWORD=demo-only-password
port=${PORT:-18090}
base="http://127.0.0.1:$port"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
api() { curl -sf -X "$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$base$2" ${3:+-d "$3"}; }

start_server() {
  ./gatehouse serve --port "$port" --data "$work/server" >"$work/server.log" 2>&1 &
  server=$!
  pids+=("$server")
  for _ in $(seq 1 120); do curl -sf "$base/health/ready" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "the server did not start; see $work/server.log" >&2
  exit 1
}

start_reader() {
  mkfifo "$work/scans.$1"
  ./gatehouse reader run --state "$work/reader" --sync-interval 1s --online-timeout 1s \
      <"$work/scans.$1" >>"$work/decisions.jsonl" 2>>"$work/reader.log" &
  reader=$!
  pids+=("$reader")
  exec 3>"$work/scans.$1"
}

scan() {
  local before
  before=$(wc -l <"$work/decisions.jsonl")
  echo "$1" >&3
  for _ in $(seq 1 100); do [ "$(wc -l <"$work/decisions.jsonl")" -gt "$before" ] && break; sleep 0.1; done
  echo "  $2 -> $(tail -n 1 "$work/decisions.jsonl")"
}

say "Starting the server (data in $work/server)"
start_server
admin=$(./gatehouse admin token create --data "$work/server" --name demo 2>/dev/null | tail -n 1)

say "A site, a zone, a door, a rule, a reader; two employees with enrolled phones"
site=$(api POST /api/v1/sites '{"name":"HQ","timeZone":"UTC"}' | field id)
zone=$(api POST /api/v1/zones "{\"siteId\":\"$site\",\"name\":\"Offices\"}" | field id)
door=$(api POST /api/v1/doors "{\"zoneId\":\"$zone\",\"name\":\"Main entrance\"}" | field id)
api POST /api/v1/access-rules "{\"zoneId\":\"$zone\",\"role\":\"staff\"}" >/dev/null
readerid=$(api POST /api/v1/readers "{\"doorId\":\"$door\",\"name\":\"Main entrance reader\"}" | field id)
token=$(api POST "/api/v1/readers/$readerid/provisioning" | field token)
./gatehouse reader enroll --state "$work/reader" "$token"
for person in alice bob; do
  user=$(api POST /api/v1/users "{\"username\":\"$person\",\"roles\":[\"staff\"]}" | field id)
  link=$(api POST "/api/v1/users/$user/device-enrollments" | field enrollmentUrl)
  ./gatehouse wallet enroll --wallet "$work/$person.p12" "$link" >/dev/null
done
bobdevice=$(api GET "/api/v1/users/$(api GET '/api/v1/users?limit=10' | sed 's/.*"id":"\(usr_[^"]*\)","username":"bob".*/\1/')/devices" | field id)
touch "$work/decisions.jsonl"
start_reader 1

say "Online: the server decides"
scan "$(./gatehouse wallet proof --wallet "$work/alice.p12" | tail -n 1)" "alice"
say "Bob's phone is reported stolen and revoked; the reader learns it at its next sync"
api POST "/api/v1/devices/$bobdevice/revoke" >/dev/null
sleep 3

say "The network goes down (server stopped)"
kill "$server"; wait "$server" 2>/dev/null || true
captured=$(./gatehouse wallet proof --wallet "$work/alice.p12" | tail -n 1)
scan "$captured" "alice, offline"
scan "$captured" "the same code again (a captured code)"
scan "$(./gatehouse wallet proof --wallet "$work/bob.p12" | tail -n 1)" "bob's revoked phone"

say "The reader is killed with SIGKILL and restarted"
kill -9 "$reader"; exec 3>&-
start_reader 2
scan "$(./gatehouse wallet proof --wallet "$work/alice.p12" | tail -n 1)" "alice after the restart"
scan "$captured" "the captured code after the restart"

say "The server comes back; the reader uploads its queue"
start_server
sleep 4
echo "  decisions printed by the reader: $(wc -l <"$work/decisions.jsonl")"
echo "  door.scan records in the audit log: $(api GET '/api/v1/audit?action=door.scan&limit=1000' | grep -o '"action":"door.scan"' | wc -l)"
echo "  offline ones: $(api GET '/api/v1/audit?action=door.scan&limit=1000' | grep -o '"mode":"offline","details"' | wc -l)"
echo "  alerts (gaps, broken chains): $(api GET '/api/v1/audit?action=reader.events.alert' | grep -o '"action"' | wc -l)"
exec 3>&-
kill "$server"; wait "$server" 2>/dev/null || true
say "Audit chain"
./gatehouse audit verify --data "$work/server"
