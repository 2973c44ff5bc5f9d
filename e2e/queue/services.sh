#!/usr/bin/env bash
# Redis and PostgreSQL for the queue-mode e2e suite (e2e/tests/queue-mode.e2e.ts), from Debian's packages.
#   services.sh install        installs redis-server and postgresql with apt-get when missing (as root, or via sudo);
#                              exit 3 when they are missing and apt-get cannot be used (the suite then skips)
#   services.sh start DIR RP PP starts redis on 127.0.0.1:RP and a fresh PostgreSQL cluster on 127.0.0.1:PP, both
#                              with all their files under DIR; prints the PostgreSQL bin dir on success
#   services.sh stop DIR       stops both again (the files stay for looking into failures)
# Nothing listens beyond loopback; no system service is started or enabled.
set -euo pipefail

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
	else return 1; fi
}

pg_bindir() {
	local dir
	dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

have_services() {
	command -v redis-server >/dev/null 2>&1 && [ -n "$(pg_bindir || true)" ]
}

# invoke-rc.d asks /usr/sbin/policy-rc.d whether a package may start its service: 101 = no. Only while installing,
# and only when the machine has no policy of its own.
apt_install() {
	local policy=/usr/sbin/policy-rc.d added=0
	if [ ! -e "$policy" ]; then
		as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy" && added=1
	fi
	local status=0
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
	if [ "$status" -ne 0 ]; then
		as_root apt-get update -qq || true
		status=0
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
	fi
	[ "$added" -eq 1 ] && as_root rm -f "$policy"
	return "$status"
}

install() {
	if have_services; then echo "services.sh: redis-server and postgresql are installed"; return 0; fi
	if ! command -v apt-get >/dev/null 2>&1 || ! as_root true 2>/dev/null; then
		echo "services.sh: redis-server/postgresql missing and apt-get is not usable here (needs root or passwordless sudo)" >&2
		return 3
	fi
	local started=$SECONDS packages=()
	command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
	[ -n "$(pg_bindir || true)" ] || packages+=(postgresql)
	echo "services.sh: installing Debian's ${packages[*]}"
	apt_install "${packages[@]}"
	have_services || { echo "services.sh: the install did not provide redis-server and initdb" >&2; return 1; }
	echo "services.sh: installed ${packages[*]} in $((SECONDS - started)) s"
}

# PostgreSQL refuses to run as root: then the cluster belongs to the `postgres` user of Debian's package.
as_pg_user() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
	local dir=$1 redis_port=$2 pg_port=$3 bin
	bin=$(pg_bindir)
	mkdir -p "$dir/redis" "$dir/pg"
	redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log"
	if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/pg"; chmod 755 "$dir"; fi
	as_pg_user "$bin/initdb" -D "$dir/pg/data" -U n8n -A trust -E UTF8 --no-locale >"$dir/pg/initdb.log" 2>&1
	as_pg_user "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 60 \
		-o "-p $pg_port -c listen_addresses=127.0.0.1 -k $dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null
	as_pg_user "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U n8n n8n
	for _ in $(seq 1 50); do
		[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && break
		sleep 0.1
	done
	echo "$bin"
}

stop() {
	local dir=$1 bin
	if [ -f "$dir/redis/redis.pid" ]; then kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true; fi
	bin=$(pg_bindir || true)
	if [ -n "$bin" ] && [ -f "$dir/pg/data/postmaster.pid" ]; then
		as_pg_user "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
}

case "${1:-}" in
	install) install ;;
	start) start "$2" "$3" "$4" ;;
	stop) stop "$2" ;;
	*) echo "usage: $0 install | start DIR REDIS_PORT PG_PORT | stop DIR" >&2; exit 2 ;;
esac
