#!/usr/bin/env bash
# Outbox POST load on loopback (issue target: >= 1,000 POSTs/s, p99 < 50 ms on SQLite).
# Starts faxgw run (Release) on a fresh data folder, uploads one TIFF, then drives POST /outbox with wrk.
set -euo pipefail
cd "$(dirname "$0")/../../.."
data=$(mktemp -d); port=18081
dotnet build -c Release src/FaxGateway -v q -nologo >/dev/null
dotnet src/FaxGateway/bin/Release/net10.0/faxgw.dll run --data "$data" --urls "http://127.0.0.1:$port" > "$data/daemon.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do grep -q "Application started" "$data/daemon.log" && break; sleep 0.5; done
export TOKEN=$(grep -o 'fgw_pat_[^ ]*' "$data/daemon.log")
tiff=tests/corpus/fax-tiff/fax2d.tif
export FILE=$(curl -s -H "Authorization: Bearer $TOKEN" -F "fax_file=@$tiff;type=image/tiff" "http://127.0.0.1:$port/v3/accounts/self/files" | sed -E 's/.*"path":"([^"]+)".*/\1/')
wrk -t${THREADS:-2} -c${CONNECTIONS:-16} -d${DURATION:-15s} --latency -s tests/FaxGateway.Benchmarks/Daemon/outbox.lua "http://127.0.0.1:$port/v3/accounts/self/outbox"
ps -o cputime= -p $pid | sed 's/^/daemon CPU time: /'
