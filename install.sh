#!/usr/bin/env bash
# install.sh: install, upgrade or remove Counterpart on a Debian/Ubuntu server.
#
#   sudo ./install.sh                         fresh install, or in-place upgrade when installed
#   sudo ./install.sh --uninstall             remove binary and unit, keep data and config
#   sudo ./install.sh --uninstall --purge     also remove data, config and the system user
#
# Run ./install.sh --help for every option. Secrets (the n8n JWT secret and the first
# superuser's password) are generated here, written only to 0600 files and never printed.
set -euo pipefail
umask 077

readonly APP=counterpart
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly BACKUPS_KEPT=5
readonly HEALTH_TIMEOUT=${COUNTERPART_HEALTH_TIMEOUT:-30} # seconds; tests shorten it

usage() {
	cat <<EOF
Usage: install.sh [OPTIONS]

Installs Counterpart as a systemd service, or upgrades an existing installation
in place (backup, binary swap, migrations, health check, rollback on failure).

Options:
  --binary PATH         binary to install (default: ./counterpart next to this
                        script, else dist/counterpart-linux-<arch> next to it)
  --root DIR            install under DIR instead of / (for tests and images);
                        implies --no-systemd and skips creating the system user
  --no-systemd          do not call systemctl (no enable/start/stop/health check)
  --systemd             call systemctl even with --root or without a running
                        systemd (tests with a stand-in systemctl, image builds)
  --admin-email EMAIL   email of the first superuser (default: admin@counterpart.local;
                        PocketBase wants a dotted domain: not admin@localhost)
  --uninstall           stop and disable the service, remove binary and unit;
                        keeps data (/var/lib/$APP) and config (/etc/$APP)
  --purge               with --uninstall: also remove data, config and the
                        '$APP' system user (backups in /var/backups/$APP are kept)
  -h, --help            show this help
EOF
}

say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# --- arguments ---------------------------------------------------------------

BINARY=""
ROOT="/"
NO_SYSTEMD=0
FORCE_SYSTEMD=0
ADMIN_EMAIL="admin@counterpart.local"
UNINSTALL=0
PURGE=0

need_value() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value (see --help)"; }

while [[ $# -gt 0 ]]; do
	case $1 in
	--binary) need_value "$@"; BINARY=$2; shift 2 ;;
	--binary=*) BINARY=${1#*=}; shift ;;
	--root) need_value "$@"; ROOT=$2; shift 2 ;;
	--root=*) ROOT=${1#*=}; shift ;;
	--admin-email) need_value "$@"; ADMIN_EMAIL=$2; shift 2 ;;
	--admin-email=*) ADMIN_EMAIL=${1#*=}; shift ;;
	--no-systemd) NO_SYSTEMD=1; shift ;;
	--systemd) FORCE_SYSTEMD=1; shift ;;
	--uninstall) UNINSTALL=1; shift ;;
	--purge) PURGE=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

if [[ $NO_SYSTEMD == 1 && $FORCE_SYSTEMD == 1 ]]; then
	die "--systemd and --no-systemd contradict each other"
fi
if [[ $PURGE == 1 && $UNINSTALL == 0 ]]; then
	die "--purge only goes with --uninstall"
fi

# --- paths -------------------------------------------------------------------

[[ -d $ROOT ]] || die "--root $ROOT: no such directory"
ROOT=$(cd -- "$ROOT" && pwd -P)
case $ROOT in
*'"'* | *\\* | *$'\n'*) die "--root must not contain quotes, backslashes or newlines" ;;
esac
if [[ $ROOT == / ]]; then
	P="" # path prefix
	REAL_ROOT=1
else
	P=$ROOT
	REAL_ROOT=0
fi
readonly P REAL_ROOT

readonly BIN_DIR=$P/usr/local/bin
readonly BIN=$BIN_DIR/$APP
readonly PREV=$BIN_DIR/$APP.previous
readonly ETC_DIR=$P/etc/$APP
readonly CONFIG=$ETC_DIR/$APP.yaml
readonly PASSWORD_FILE=$ETC_DIR/initial-admin-password
readonly ADMIN_MARKER=$ETC_DIR/.initial-admin-created
readonly DATA_DIR=$P/var/lib/$APP
readonly BACKUP_DIR=$P/var/backups/$APP
readonly UNIT_DIR=$P/etc/systemd/system
readonly UNIT=$UNIT_DIR/$APP.service
readonly UNIT_SRC=$SCRIPT_DIR/systemd/$APP.service

if [[ $REAL_ROOT == 1 && $EUID -ne 0 ]]; then
	die "installing into / needs root: run it with sudo"
fi

USE_SYSTEMD=1
if [[ $FORCE_SYSTEMD == 1 ]]; then
	command -v systemctl >/dev/null 2>&1 || die "--systemd: systemctl not found"
	say "Using systemctl as asked (--systemd)"
elif [[ $NO_SYSTEMD == 1 ]]; then
	USE_SYSTEMD=0
	say "Skipping systemd (--no-systemd)"
elif [[ $REAL_ROOT == 0 ]]; then
	USE_SYSTEMD=0
	say "Skipping systemd: --root is $ROOT, not /"
elif ! command -v systemctl >/dev/null 2>&1; then
	USE_SYSTEMD=0
	say "Skipping systemd: systemctl not found"
elif [[ ! -d /run/systemd/system ]]; then
	USE_SYSTEMD=0
	say "Skipping systemd: systemd is not running (no /run/systemd/system)"
fi
readonly USE_SYSTEMD

# --- cleanup and rollback on exit --------------------------------------------

TEMP_FILES=()
ROLLBACK_READY=0 # 1 from the moment the upgrade touches the binary until it succeeded
BACKUP_FILE=""
UNIT_SAVED=""
PREV_SAVED=0

on_exit() {
	local rc=$?
	if [[ $ROLLBACK_READY == 1 && $rc -ne 0 ]]; then
		rollback "the upgrade stopped unexpectedly (exit status $rc)"
		printf 'error: upgrade failed; rolled back to the previous version (see above)\n' >&2
		rc=1
	fi
	local f
	for f in "${TEMP_FILES[@]}"; do
		rm -rf -- "$f"
	done
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# temp_in DIR NAME: a new 0600 temp file in DIR (same file system as the final path),
# removed on exit unless it was renamed into place. Sets TEMP.
temp_in() {
	TEMP=$(mktemp "$1/.$2.XXXXXX")
	TEMP_FILES+=("$TEMP")
}

# --- helpers -----------------------------------------------------------------

# make_dir MODE DIR: create DIR (parents 0755) and set its mode; for Counterpart's own dirs.
make_dir() {
	(umask 022 && mkdir -p -- "$2")
	chmod "$1" -- "$2"
}

# system_dir DIR: create a shared directory (/usr/local/bin, /etc/systemd/system) when it
# is missing, leaving an existing one's mode alone (Debian's /usr/local/bin is 2775 root:staff).
system_dir() {
	[[ -d $1 ]] || (umask 022 && mkdir -p -- "$1")
}

# random_b64url BYTES: BYTES random bytes, base64url without padding, on stdout.
# The value only ever travels through a pipe, never through argv or a file.
random_b64url() {
	local out
	if command -v openssl >/dev/null 2>&1; then
		out=$(openssl rand -base64 "$1")
	else
		out=$(head -c "$1" /dev/urandom | base64)
	fi
	out=${out//$'\n'/}
	out=${out//+/-}
	out=${out//\//_}
	out=${out//=/}
	[[ ${#out} -ge $(($1 * 4 / 3)) ]] || die "could not read random bytes"
	printf '%s' "$out"
}

go_arch() {
	case $(uname -m) in
	x86_64 | amd64) echo amd64 ;;
	aarch64 | arm64) echo arm64 ;;
	armv7* | armv6*) echo arm ;;
	i?86) echo 386 ;;
	*) uname -m ;;
	esac
}

# run_app ARGS...: run the installed binary with the config, from the data dir
# (the service's working directory), as the service user when installing into /.
run_app() {
	local -a cmd=("$BIN" --config "$CONFIG" "$@")
	if [[ $REAL_ROOT == 1 ]]; then
		if command -v runuser >/dev/null 2>&1; then
			cmd=(runuser -u "$APP" -- "${cmd[@]}")
		elif command -v setpriv >/dev/null 2>&1; then
			cmd=(setpriv --reuid="$APP" --regid="$APP" --init-groups -- "${cmd[@]}")
		else
			die "neither runuser nor setpriv found (package util-linux)"
		fi
	fi
	(cd -- "$DATA_DIR" && "${cmd[@]}")
}

# config_value KEY: a top-level scalar from the config file (enough for http and public_url).
config_value() {
	local v
	v=$(sed -n "s/^$1:[[:space:]]*//p;T;q" "$CONFIG")
	v=${v%%#*}
	v=${v%"${v##*[![:space:]]}"}
	v=${v#\"}
	v=${v%\"}
	v=${v#\'}
	v=${v%\'}
	printf '%s' "$v"
}

# base_url: the URL the server answers on locally, from the config's http address.
base_url() {
	local addr host port
	addr=$(config_value http)
	[[ -n $addr ]] || addr=127.0.0.1:8090
	host=${addr%:*}
	port=${addr##*:}
	case $host in
	"" | 0.0.0.0 | "[::]" | "::") host=127.0.0.1 ;;
	esac
	printf 'http://%s:%s' "$host" "$port"
}

http_ok() {
	local url=$1
	if command -v curl >/dev/null 2>&1; then
		curl -fsS -o /dev/null -m 3 "$url" 2>/dev/null
	elif command -v wget >/dev/null 2>&1; then
		wget -q -T 3 -t 1 -O /dev/null "$url" 2>/dev/null
	else
		# plain HTTP/1.0 over bash's /dev/tcp: host:port from the URL
		local hp=${url#http://} status
		hp=${hp%%/*}
		exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}" 2>/dev/null || return 1
		printf 'GET /%s HTTP/1.0\r\nHost: %s\r\n\r\n' "${url#http://"$hp"/}" "$hp" >&3
		IFS= read -r -t 3 status <&3 || status=""
		exec 3>&-
		[[ $status == "HTTP/"*" 200"* ]]
	fi
}

# port_in_use: something already accepts connections on the configured address.
port_in_use() {
	local hp=${1#http://}
	hp=${hp%%/*}
	(exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}") 2>/dev/null
}

# ensure_port_free: before starting, make sure no other program holds the port;
# otherwise the health check would be answered by that program.
ensure_port_free() {
	local url
	url=$(base_url)
	if port_in_use "$url"; then
		die "another program already listens on ${url#http://} (see: ss -ltnp); stop it or change http in $CONFIG"
	fi
}

# check_health: poll /api/health for up to HEALTH_TIMEOUT seconds while the unit is
# active, then make sure it stays active (a crash right after start fails too).
check_health() {
	local url i
	url="$(base_url)/api/health"
	say "Checking $url (up to ${HEALTH_TIMEOUT}s)"
	for ((i = 0; i < HEALTH_TIMEOUT; i++)); do
		if systemctl is-active --quiet "$APP" && http_ok "$url"; then
			sleep 2
			if systemctl is-active --quiet "$APP" && http_ok "$url"; then
				note "healthy"
				return 0
			fi
		fi
		sleep 1
	done
	warn "no healthy answer from $url; last log lines:"
	journalctl -u "$APP" -n 20 --no-pager >&2 2>/dev/null || true
	return 1
}

# --- install steps -----------------------------------------------------------

ensure_user() {
	[[ $REAL_ROOT == 1 ]] || return 0
	if id -u "$APP" >/dev/null 2>&1; then
		return 0
	fi
	say "Creating system user $APP"
	local -a group_opt=(--user-group)
	if getent group "$APP" >/dev/null 2>&1; then
		group_opt=(--gid "$APP")
	fi
	useradd --system "${group_opt[@]}" --home-dir "/var/lib/$APP" --no-create-home \
		--shell /usr/sbin/nologin --comment "Counterpart service" "$APP"
}

ensure_dirs() {
	system_dir "$BIN_DIR"
	make_dir 0750 "$DATA_DIR"
	make_dir 0750 "$ETC_DIR"
	make_dir 0700 "$BACKUP_DIR"
	system_dir "$UNIT_DIR"
	if [[ $REAL_ROOT == 1 ]]; then
		chown "$APP:$APP" "$DATA_DIR"
		chown "root:$APP" "$ETC_DIR"
		chown root:root "$BACKUP_DIR"
	fi
}

ensure_config() {
	if [[ -e $CONFIG ]]; then
		say "Keeping the existing config $CONFIG"
		return 0
	fi
	say "Writing $CONFIG with a generated n8n JWT secret"
	local secret
	secret=$(random_b64url 48)
	temp_in "$ETC_DIR" "$APP.yaml"
	# printf is a bash builtin: the secret never appears in a process's argv.
	printf '%s\n' \
		"# Counterpart configuration (written by install.sh; it never overwrites this file)." \
		"# Every key can also be set as COUNTERPART_<KEY>, e.g. COUNTERPART_N8N_CHAT_URL." \
		"http: 127.0.0.1:8090" \
		"data_dir: \"$DATA_DIR\"" \
		"public_url: \"\"" \
		"storage:" \
		"  driver: local" \
		"n8n:" \
		"  chat_url: \"\"" \
		"  ingest_url: \"\"" \
		"  jwt:" \
		"    algorithm: HS256" \
		"    secret: \"$secret\"" \
		"    ttl: 60s" \
		"backups:" \
		"  cron: \"30 2 * * *\"" \
		"  keep: 7" >"$TEMP"
	unset secret
	chmod 0600 "$TEMP"
	if [[ $REAL_ROOT == 1 ]]; then
		chown "$APP:$APP" "$TEMP" # the service reads it; ProtectSystem=strict keeps it read-only
	fi
	# ln fails if the config appeared meanwhile: never overwrite a config.
	ln -- "$TEMP" "$CONFIG" || die "$CONFIG appeared while installing; not overwriting it"
	rm -f -- "$TEMP"
}

# stage_binary: copy the new binary next to its final path and check it runs here.
stage_binary() {
	system_dir "$BIN_DIR"
	temp_in "$BIN_DIR" "$APP.new"
	STAGED=$TEMP
	cp -- "$BINARY" "$STAGED"
	chmod 0755 "$STAGED"
	[[ $REAL_ROOT == 0 ]] || chown root:root "$STAGED"
	local out
	out=$("$STAGED" --version 2>&1) || die "$BINARY --version failed on this machine ($(uname -m)): ${out%%$'\n'*}"
	out=${out%%$'\n'*}
	# cobra prints "<argv0> version X"; argv0 is the temp name here
	if [[ $out == *" version "* ]]; then
		NEW_VERSION="version ${out##* version }"
	else
		NEW_VERSION=$out
	fi
}

# swap_binary: move the staged binary into place, keeping the old one as .previous.
swap_binary() {
	if [[ -e $BIN ]]; then
		temp_in "$BIN_DIR" "$APP.previous"
		cp -p -- "$BIN" "$TEMP"
		mv -f -- "$TEMP" "$PREV"
		PREV_SAVED=1
		note "previous binary kept as $PREV"
	fi
	mv -f -- "$STAGED" "$BIN"
	say "Installed $BIN${NEW_VERSION:+ ($NEW_VERSION)}"
}

install_unit() {
	[[ -f $UNIT_SRC ]] || die "unit file $UNIT_SRC not found (keep systemd/ next to install.sh)"
	if [[ -f $UNIT ]] && cmp -s -- "$UNIT_SRC" "$UNIT"; then
		return 0
	fi
	temp_in "$UNIT_DIR" "$APP.service"
	cp -- "$UNIT_SRC" "$TEMP"
	chmod 0644 "$TEMP"
	[[ $REAL_ROOT == 0 ]] || chown root:root "$TEMP"
	mv -f -- "$TEMP" "$UNIT"
	say "Installed $UNIT"
}

# create_admin: the first superuser, once per installation. Its password goes only
# into a 0600 file; upgrades never reset it (the marker stays after the file is deleted).
create_admin() {
	if [[ -e $ADMIN_MARKER || -e $PASSWORD_FILE ]]; then
		return 0
	fi
	say "Creating the first superuser $ADMIN_EMAIL"
	local password out rc=0
	password=$(random_b64url 24)
	temp_in "$ETC_DIR" initial-admin-password
	printf '%s\n' "$password" >"$TEMP"
	chmod 0600 "$TEMP"
	[[ $REAL_ROOT == 0 ]] || chown root:root "$TEMP"
	mv -f -- "$TEMP" "$PASSWORD_FILE"
	# "--": a generated password may begin with "-", which would read as a flag
	out=$(run_app superuser upsert -- "$ADMIN_EMAIL" "$password" 2>&1) || rc=$?
	if [[ $rc -ne 0 ]]; then
		rm -f -- "$PASSWORD_FILE"
		printf '%s\n' "${out//"$password"/<password>}" >&2
		die "creating the superuser failed (exit status $rc)"
	fi
	unset password
	printf '%s\n' "$ADMIN_EMAIL" >"$ADMIN_MARKER"
	note "password written to $PASSWORD_FILE (mode 0600)"
}

run_migrations() {
	say "Running database migrations"
	local out rc=0
	out=$(run_app migrate up 2>&1) || rc=$?
	[[ -z $out ]] || printf '%s\n' "$out" | sed 's/^/    /'
	return "$rc"
}

backup_data() {
	local ts
	ts=$(date -u +%Y%m%dT%H%M%SZ)
	while [[ -e $BACKUP_DIR/$ts.tar.gz ]]; do
		sleep 1
		ts=$(date -u +%Y%m%dT%H%M%SZ)
	done
	say "Backing up $DATA_DIR to $BACKUP_DIR/$ts.tar.gz"
	temp_in "$BACKUP_DIR" "$ts.tar.gz"
	tar -C "$(dirname -- "$DATA_DIR")" --numeric-owner -czf "$TEMP" "$APP"
	chmod 0600 "$TEMP"
	mv -f -- "$TEMP" "$BACKUP_DIR/$ts.tar.gz"
	BACKUP_FILE=$BACKUP_DIR/$ts.tar.gz
}

prune_backups() {
	local -a backups
	local f
	mapfile -t backups < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name '*.tar.gz' -printf '%f\n' | sort -r)
	for f in "${backups[@]:BACKUPS_KEPT}"; do
		rm -f -- "${BACKUP_DIR:?}/$f"
		note "removed old backup $f"
	done
}

# rollback REASON: put back the previous binary, unit and data, and start again.
rollback() {
	set +e
	ROLLBACK_READY=0
	printf '\n' >&2
	say "Rolling back: $1" >&2
	if [[ $USE_SYSTEMD == 1 ]]; then
		systemctl stop "$APP" 2>/dev/null
	fi
	# only a .previous saved by this run: an older one would be a downgrade
	if [[ $PREV_SAVED == 1 && -e $PREV ]]; then
		local tmp
		tmp=$(mktemp "$BIN_DIR/.$APP.rollback.XXXXXX") &&
			cp -p -- "$PREV" "$tmp" && mv -f -- "$tmp" "$BIN" &&
			note "restored the previous binary" >&2
	fi
	if [[ -n $UNIT_SAVED && -f $UNIT_SAVED ]]; then
		cp -- "$UNIT_SAVED" "$UNIT" && chmod 0644 "$UNIT"
	fi
	if [[ -n $BACKUP_FILE && -f $BACKUP_FILE ]]; then
		local failed
		failed=$DATA_DIR.failed-$(date -u +%Y%m%dT%H%M%SZ)
		if mv -- "$DATA_DIR" "$failed" && tar -C "$(dirname -- "$DATA_DIR")" --numeric-owner -xzf "$BACKUP_FILE"; then
			note "restored $DATA_DIR from $BACKUP_FILE" >&2
			note "the data as the failed upgrade left it is in $failed (delete it when done)" >&2
		else
			printf 'error: could not restore %s: restore it by hand from %s\n' "$DATA_DIR" "$BACKUP_FILE" >&2
		fi
	fi
	if [[ $USE_SYSTEMD == 1 ]]; then
		systemctl daemon-reload
		systemctl start "$APP"
		check_health || warn "the previous version is not healthy either: journalctl -u $APP"
	fi
	set -e
}

print_signin() {
	local url public
	url=$(base_url)
	public=$(config_value public_url)
	printf '\n'
	say "Counterpart is installed."
	note "Web app:          ${public:-$url}/"
	note "Admin dashboard:  ${public:-$url}/_/"
	if [[ -e $PASSWORD_FILE ]]; then
		local email=""
		[[ ! -f $ADMIN_MARKER ]] || email=$(head -n 1 -- "$ADMIN_MARKER")
		note "Sign in as ${email:-the first superuser} with the password in $PASSWORD_FILE:"
		note "  sudo cat $PASSWORD_FILE   (delete the file once you have changed the password)"
	fi
	note "Config:           $CONFIG"
	if [[ -z $public && $url == http://127.0.0.1:* ]]; then
		note "It listens on 127.0.0.1 only: put a reverse proxy (Caddy, nginx) in front"
		note "and set public_url in the config to reach it from other machines."
	fi
	if [[ $USE_SYSTEMD == 1 ]]; then
		note "Logs:             journalctl -u $APP -f"
	else
		if [[ $REAL_ROOT == 1 ]]; then
			note "Start it:         sudo -u $APP $BIN --config $CONFIG serve"
		else
			note "Start it:         $BIN --config $CONFIG serve"
		fi
	fi
}

# --- main flows --------------------------------------------------------------

do_install() {
	if [[ -z $BINARY ]]; then
		if [[ -f $SCRIPT_DIR/$APP ]]; then
			BINARY=$SCRIPT_DIR/$APP
		else
			BINARY=$SCRIPT_DIR/dist/$APP-linux-$(go_arch)
		fi
	fi
	[[ -f $BINARY ]] || die "binary $BINARY not found (build it, or pass --binary PATH)"
	[[ -f $UNIT_SRC ]] || die "unit file $UNIT_SRC not found (keep systemd/ next to install.sh)"
	# the same shape PocketBase accepts: a dotted domain ending in letters
	[[ $ADMIN_EMAIL =~ ^[^@[:space:]]+@[^@[:space:]]+\.[A-Za-z]([A-Za-z0-9-]*[A-Za-z])?$ ]] ||
		die "--admin-email $ADMIN_EMAIL is not an email address PocketBase accepts (e.g. admin@example.com)"
	[[ $ROOT == / ]] || say "Installing into $ROOT"

	stage_binary # first: a binary that does not run here changes nothing
	ensure_user
	ensure_dirs
	ensure_config

	if [[ -e $BIN ]]; then
		do_upgrade
	else
		do_fresh
	fi
	print_signin
}

do_fresh() {
	say "Fresh install"
	if [[ -n $(ls -A -- "$DATA_DIR") ]]; then
		note "keeping the existing data in $DATA_DIR"
	fi
	swap_binary
	install_unit
	create_admin # `serve` applies the migrations at its first start
	if [[ $USE_SYSTEMD == 1 ]]; then
		say "Enabling and starting $APP.service"
		ensure_port_free
		systemctl daemon-reload
		systemctl enable --now "$APP"
		check_health || die "Counterpart did not become healthy within ${HEALTH_TIMEOUT}s: journalctl -u $APP"
	else
		say "Not starting the service (systemd not used)"
	fi
}

do_upgrade() {
	say "Upgrading the installed Counterpart in place"
	if [[ $USE_SYSTEMD == 1 ]] && systemctl is-active --quiet "$APP"; then
		say "Stopping $APP.service"
		systemctl stop "$APP"
	fi
	if [[ $USE_SYSTEMD == 1 ]]; then
		ensure_port_free
	else
		note "systemd not used: make sure no counterpart process runs during the upgrade"
	fi
	backup_data
	if [[ -f $UNIT ]]; then
		UNIT_SAVED=$(mktemp)
		TEMP_FILES+=("$UNIT_SAVED")
		cp -- "$UNIT" "$UNIT_SAVED"
	fi

	ROLLBACK_READY=1
	swap_binary
	install_unit
	if ! run_migrations; then
		rollback "database migrations failed"
		die "upgrade failed: migrations did not apply; rolled back to the previous version"
	fi
	create_admin
	if [[ $USE_SYSTEMD == 1 ]]; then
		say "Starting $APP.service"
		systemctl daemon-reload
		systemctl start "$APP"
		if ! check_health; then
			rollback "no healthy answer within ${HEALTH_TIMEOUT}s"
			die "upgrade failed: the new version did not become healthy; rolled back (see journalctl -u $APP)"
		fi
	else
		say "Skipping the health check (systemd not used; the service was not started)"
	fi
	ROLLBACK_READY=0
	prune_backups
}

do_uninstall() {
	if [[ $USE_SYSTEMD == 1 ]]; then
		say "Stopping and disabling $APP.service"
		systemctl disable --now "$APP" 2>/dev/null || true
	fi
	say "Removing $BIN and $UNIT"
	rm -f -- "$BIN" "$PREV" "$UNIT"
	if [[ $USE_SYSTEMD == 1 ]]; then
		systemctl daemon-reload
	fi
	if [[ $PURGE == 1 ]]; then
		say "Purging $DATA_DIR and $ETC_DIR"
		rm -rf -- "${DATA_DIR:?}" "${DATA_DIR:?}".failed-* "${ETC_DIR:?}"
		if [[ $REAL_ROOT == 1 ]] && id -u "$APP" >/dev/null 2>&1; then
			say "Removing system user $APP"
			userdel "$APP"
			if getent group "$APP" >/dev/null 2>&1; then
				groupdel "$APP"
			fi
		fi
		if [[ -d $BACKUP_DIR ]]; then
			note "backups are kept in $BACKUP_DIR (rm -rf $BACKUP_DIR to delete them)"
		fi
	else
		note "kept data in $DATA_DIR and config in $ETC_DIR (add --purge to remove them)"
	fi
	say "Counterpart is uninstalled."
}

if [[ $UNINSTALL == 1 ]]; then
	do_uninstall
else
	do_install
fi
