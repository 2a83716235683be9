#!/usr/bin/env bash
# Scale-out on one machine, without containers: two app servers (separate gunicorn processes,
# production mode) behind nginx, one PostgreSQL database, one Redis database, one photo folder,
# the job consumer, and the VNeID sandbox as the identity provider at nginx's address.
#
#   deploy/local/run.sh start [DIR]   # prints DIR; DIR/local.env names every address and pid
#   deploy/local/run.sh stop DIR      # stops every process it started, by pid
#
# Settings (environment):
#   DATABASE_URL   PostgreSQL database of its own (default .../cdtd_local): it is dropped and
#                  made again at every start
#   REDIS_URL      Redis database of its own (default redis://127.0.0.1:6379/7): emptied at start
#   CDTD_WORKERS   gunicorn workers per app server (default 2)
#   CDTD_SEED      "demo" (default: flask demo seed) or "people" (sandbox identities and
#                  officials only, faster: the reduced check in .ci/run)
#
# The app servers run APP_ENV=production, where the sandbox is switched off; the sandbox runs
# as a third, demo-mode gunicorn that nginx serves under /dev-idp/, so the app servers log in
# through it exactly as through an outside provider (OIDC_ISSUER = nginx URL + /dev-idp).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.venv/bin"

free_port() {
  "$VENV/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() {  # wait_http URL SECONDS
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$url"; do
    if ((SECONDS > deadline)); then
      echo "run.sh: $url did not answer" >&2
      return 1
    fi
    sleep 0.3
  done
}

start() {
  local dir=${1:-$(mktemp -d /tmp/cdtd-local.XXXXXX)}
  mkdir -p "$dir"/{instance,sandbox,uploads,nginx/logs,nginx/tmp,logs}
  dir=$(cd "$dir" && pwd)
  local db_url=${DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/cdtd_local}
  local redis_url=${REDIS_URL:-redis://127.0.0.1:6379/7}
  local workers=${CDTD_WORKERS:-2}
  local seed=${CDTD_SEED:-demo}
  local port_a port_b port_idp port_nginx
  port_a=$(free_port); port_b=$(free_port); port_idp=$(free_port); port_nginx=$(free_port)
  local front="http://127.0.0.1:$port_nginx"
  local issuer="$front/dev-idp"

  # Secrets shared by every app server (and by the sandbox: it serves the same origin, so the
  # session cookie that carries the login's state and CSRF token must verify on both).
  umask 077
  [[ -f "$dir/secret_key" ]] || "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$dir/secret_key"
  [[ -f "$dir/data_key" ]] || "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$dir/data_key"
  [[ -f "$dir/sandbox/dev_idp_client_secret" ]] ||
    "$VENV/python" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$dir/sandbox/dev_idp_client_secret"
  umask 022

  # A database and a Redis database of its own, emptied: rate-limit counters from an earlier
  # run would otherwise count against accounts with the same ids.
  local db_name=${db_url##*/}
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$db_name"
  createdb -h 127.0.0.1 -U postgres -T template0 -E UTF8 "$db_name"
  redis-cli -u "$redis_url" flushdb >/dev/null

  cat >"$dir/app.env" <<EOF
APP_ENV=production
SECRET_KEY=$(cat "$dir/secret_key")
DATA_KEY=$(cat "$dir/data_key")
DATABASE_URL=$db_url
REDIS_URL=$redis_url
UPLOAD_FOLDER=$dir/uploads
INSTANCE_PATH=$dir/instance
TRUSTED_PROXIES=1
OIDC_ISSUER=$issuer
OIDC_CLIENT_ID=cdtd-web
OIDC_CLIENT_SECRET=$(cat "$dir/sandbox/dev_idp_client_secret")
FLASK_APP=wsgi.py
EOF
  cat >"$dir/sandbox.env" <<EOF
APP_ENV=demo
SECRET_KEY=$(cat "$dir/secret_key")
DATA_KEY=$(cat "$dir/data_key")
DATABASE_URL=$db_url
REDIS_URL=$redis_url
INSTANCE_PATH=$dir/sandbox
UPLOAD_FOLDER=$dir/uploads
DEV_IDP_ISSUER=$issuer
JOBS_IN_PROCESS=false
FLASK_APP=wsgi.py
EOF
  chmod 600 "$dir/app.env" "$dir/sandbox.env"

  cd "$ROOT"
  echo "== schema and data ($seed)" >&2
  # What `flask db upgrade`, `flask places load`, `flask reports load-categories` and
  # `flask demo seed` do, in one process (each flask command would import the app again). In
  # demo mode, so the identities land in the sandbox's register and link to its issuer.
  env $(cat "$dir/sandbox.env") CDTD_SEED="$seed" "$VENV/python" - >"$dir/logs/setup.log" 2>&1 <<'PY'
import os

from flask_migrate import upgrade

from app import create_app
from app.demo import services as demo
from app.extensions import db
from app.places import services as places
from app.reports.seed import load_categories

app = create_app()
with app.app_context():
    upgrade()
    places.load_wards()
    places.load_agencies()
    load_categories()
    if os.environ["CDTD_SEED"] == "demo":
        demo.seed()
    else:
        demo.seed_people()
        demo.seed_ward_centres()
    db.session.commit()
PY

  echo "== processes" >&2
  # setsid: each gunicorn leads its own process group, so it can be killed whole (kill -9 -PID).
  local name port envfile
  for name in a b sandbox; do
    case $name in
      a) port=$port_a envfile="$dir/app.env" ;;
      b) port=$port_b envfile="$dir/app.env" ;;
      sandbox) port=$port_idp envfile="$dir/sandbox.env" ;;
    esac
    local n=$workers
    [[ $name == sandbox ]] && n=1
    env $(cat "$envfile") GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$n" GUNICORN_THREADS=4 \
      setsid "$VENV/gunicorn" -c "$ROOT/gunicorn.conf.py" wsgi:app >"$dir/logs/$name.log" 2>&1 &
    echo $! >"$dir/$name.pid"
  done
  env $(cat "$dir/app.env") setsid "$VENV/flask" jobs worker --workers 2 >"$dir/logs/worker.log" 2>&1 &
  echo $! >"$dir/worker.pid"

  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port_nginx|g" -e "s|@A@|$port_a|g" -e "s|@B@|$port_b|g" \
      -e "s|@IDP@|$port_idp|g" -e "s|@USER@|$(id -un) $(id -gn)|g" \
      "$ROOT/deploy/local/nginx.conf.in" >"$dir/nginx/nginx.conf"
  setsid nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/logs/error.log" \
    -g "daemon off;" >"$dir/logs/nginx.log" 2>&1 &
  echo $! >"$dir/nginx.pid"

  cat >"$dir/local.env" <<EOF
CDTD_DIR=$dir
FRONT_URL=$front
A_URL=http://127.0.0.1:$port_a
B_URL=http://127.0.0.1:$port_b
SANDBOX_URL=http://127.0.0.1:$port_idp
EOF
  wait_http "http://127.0.0.1:$port_a/healthz" 90
  wait_http "http://127.0.0.1:$port_b/healthz" 90
  wait_http "$issuer/.well-known/openid-configuration" 90
  wait_http "$front/healthz" 30
  echo "== ready: $front (A :$port_a, B :$port_b, sandbox :$port_idp); logs in $dir/logs" >&2
  echo "$dir"
}

stop() {
  local dir=${1:?usage: run.sh stop DIR}
  local name pid
  for name in nginx a b sandbox worker; do
    [[ -f "$dir/$name.pid" ]] || continue
    pid=$(cat "$dir/$name.pid")
    # The process group: a gunicorn master and its workers (a worker outlives a killed master).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for name in nginx a b sandbox worker; do
    [[ -f "$dir/$name.pid" ]] || continue
    pid=$(cat "$dir/$name.pid")
    for _ in $(seq 1 100); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$dir/$name.pid"
  done
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
