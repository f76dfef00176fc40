#!/usr/bin/env bash
# Proxy overhead: small non-streaming requests to fast replicas (no modelled latency), measured
# directly, through qgate and through nginx (least_conn, keep-alive upstream), in one run with
# the same load generator. Prints throughput and p50/p99 per target and the qgate/nginx ratios.
#
#   bench/scripts/proxy-overhead.sh [seconds-per-run, default 15] [concurrency, default 64]
#
# Needs nginx (installed with apt-get when missing and running as root). Everything binds
# 127.0.0.1. With PIN=1 (the default where taskset exists and there are 2 cores or more) the
# proxy under test gets the last core to itself (qgate with 1 event loop, nginx with 1 worker)
# and the load generator and the two replica processes share the others, so that what one proxy
# costs does not slow down the load generator measuring it. PIN=0 lets everything share all
# cores (the proxies then get one event loop / worker per core).
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_RUN=${1:-15}
CONCURRENCY=${2:-64}
OUT=${OUT:-bench/results/proxy-overhead-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
REPLICA_PORTS=(18001 18002)
CORES=$(nproc)
PIN=${PIN:-$([ "$CORES" -ge 2 ] && command -v taskset >/dev/null && echo 1 || echo 0)}
if [ "$PIN" = 1 ]; then
  on_proxy_core() { taskset -c $((CORES - 1)) "$@"; }
  on_other_cores() { taskset -c 0-$((CORES - 2)) "$@"; }
  PROXY_THREADS=1
else
  on_proxy_core() { "$@"; }
  on_other_cores() { "$@"; }
  PROXY_THREADS=$CORES
fi
echo "pinning: $([ "$PIN" = 1 ] && echo "proxy on core $((CORES - 1)), load and replicas on 0-$((CORES - 2))" || echo off)" >&2
QGATE_PORT=18080 QGATE_ADMIN=18081 NGINX_PORT=18090

if ! command -v nginx >/dev/null; then
  echo "installing nginx from Debian..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
[ -f bench/target/qgate-bench.jar ] && [ -f gateway/target/qgate-gateway.jar ] || mvn -B -q package -DskipTests

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

for p in "${REPLICA_PORTS[@]}"; do
  on_other_cores java -jar bench/target/qgate-bench.jar sim --port "$p" --time-scale 0 --io-threads 1 \
    >"$OUT/sim-$p.log" 2>&1 &
  pids+=($!)
done
endpoints=$(printf 'http://127.0.0.1:%s,' "${REPLICA_PORTS[@]}"); endpoints=${endpoints%,}
on_proxy_core java -jar gateway/target/qgate-gateway.jar --host 127.0.0.1 --port $QGATE_PORT --admin-port $QGATE_ADMIN \
  --endpoints "$endpoints" --io-threads "$PROXY_THREADS" >"$OUT/qgate.log" 2>&1 &
pids+=($!)

upstreams=$(printf '    server 127.0.0.1:%s;\n' "${REPLICA_PORTS[@]}")
cat >"$OUT/nginx.conf" <<NGINX
worker_processes $PROXY_THREADS;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  upstream replicas {
    least_conn;
$upstreams
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport backlog=4096;
    client_max_body_size 16m;
    location /v1/ {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 600s;
    }
  }
}
NGINX
on_proxy_core nginx -c "$OUT/nginx.conf" -p "$OUT" 2>"$OUT/nginx-start.log" &
pids+=($!)

wait_for() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; echo "not up: $1" >&2; exit 1; }
wait_for "http://127.0.0.1:${REPLICA_PORTS[0]}/health"
wait_for "http://127.0.0.1:$QGATE_ADMIN/readyz"
wait_for "http://127.0.0.1:$NGINX_PORT/v1/models"

load() { # name url extra-args...
  local name=$1 url=$2; shift 2
  echo "== $name ($url) $*" >&2
  on_other_cores java -jar bench/target/qgate-bench.jar load --url "$url" --workload tiny --warmup 10s \
    --out "$OUT/$name.json" "$@" \
    >"$OUT/$name.txt"
  cat "$OUT/$name.txt"
}

# Maximum throughput in closed loop; each run first warms the JIT for 10 s unmeasured.
load max-direct "http://127.0.0.1:${REPLICA_PORTS[0]}" --concurrency "$CONCURRENCY" --duration "${SECONDS_PER_RUN}s"
load max-qgate "http://127.0.0.1:$QGATE_PORT" --concurrency "$CONCURRENCY" --duration "${SECONDS_PER_RUN}s"
load max-nginx "http://127.0.0.1:$NGINX_PORT" --concurrency "$CONCURRENCY" --duration "${SECONDS_PER_RUN}s"

# Latency at a fixed rate, open loop: RATE, or by default a quarter of the slowest maximum
# (direct included): the load generator and the replicas must keep up with room to spare, or the
# p99 measures them instead of the proxy.
rate=${RATE:-$(python3 -c "import json;print(int(min(json.load(open('$OUT/max-'+t+'.json'))['summary']['throughputRps'] for t in ('direct','qgate','nginx'))/4))")}
load rate-direct "http://127.0.0.1:${REPLICA_PORTS[0]}" --rate "$rate" --duration "${SECONDS_PER_RUN}s"
load rate-qgate "http://127.0.0.1:$QGATE_PORT" --rate "$rate" --duration "${SECONDS_PER_RUN}s"
load rate-nginx "http://127.0.0.1:$NGINX_PORT" --rate "$rate" --duration "${SECONDS_PER_RUN}s"

python3 - "$OUT" "$rate" <<'PY'
import json, sys
out, rate = sys.argv[1], sys.argv[2]
r = lambda n: json.load(open(f"{out}/{n}.json"))["summary"]
print(f"\nProxy overhead, tiny non-streaming requests ({out})")
print(f"{'target':8} {'max req/s':>10} {'errors':>7} | {'p50 ms @'+rate+'/s':>14} {'p99 ms':>8} {'errors':>7}")
for t in ("direct", "qgate", "nginx"):
    m, f = r("max-" + t), r("rate-" + t)
    print(f"{t:8} {m['throughputRps']:10.0f} {sum(m['errors'].values()):7d} | "
          f"{f['e2eMs']['p50']:14.3f} {f['e2eMs']['p99']:8.3f} {sum(f['errors'].values()):7d}")
q, n, d = r("max-qgate"), r("max-nginx"), r("rate-direct")
print(f"\nqgate/nginx max throughput: {q['throughputRps'] / n['throughputRps']:.2f}")
print(f"added p99 at {rate}/s: qgate {r('rate-qgate')['e2eMs']['p99'] - d['e2eMs']['p99']:.3f} ms, "
      f"nginx {r('rate-nginx')['e2eMs']['p99'] - d['e2eMs']['p99']:.3f} ms")
PY
