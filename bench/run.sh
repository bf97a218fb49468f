#!/usr/bin/env bash
# The whole benchmark in one command: creates .venv-bench at the repo root if missing,
# installs Cupola and the pinned anchors into it, and runs bench/run.py with the given
# arguments (e.g. `bash bench/run.sh --targets`, `bash bench/run.sh --e2e`).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/pip" install -q -e . -r bench/requirements.txt; then
    echo "warning: installing Cupola failed; installing the anchors only" \
        "(Cupola is then imported from src/ if its dependencies are present)" >&2
    "$venv/bin/pip" install -q -r bench/requirements.txt
fi
for arg in "$@"; do
    if [ "$arg" = "--e2e" ] && ! command -v wrk >/dev/null; then
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && apt-get install -y -qq wrk
        else
            echo "--e2e needs wrk: sudo apt-get install -y wrk" >&2
            exit 1
        fi
    fi
done
if [ "${1:-}" = "--admin" ]; then
    shift  # the admin's change list against Django's admin (bench/admin_changelist.py)
    exec "$venv/bin/python" bench/admin_changelist.py "$@"
fi
if [ "${1:-}" = "--mysql" ]; then
    shift  # MySQL drivers: mysqlclient builds against the MariaDB client headers
    if [ "$(id -u)" = 0 ] && ! pkg-config --exists libmariadb 2>/dev/null; then
        apt-get update -qq && apt-get install -y -qq libmariadb-dev pkg-config
    fi
    "$venv/bin/pip" install -q pymysql mysqlclient
    exec "$venv/bin/python" bench/mysql_drivers.py "$@"
fi
if [ "${1:-}" = "--fanout" ]; then
    shift
    exec "$venv/bin/python" bench/fanout.py "$@"  # WebSocket fan-out (bench/fanout.py)
fi
exec "$venv/bin/python" bench/run.py "$@"
