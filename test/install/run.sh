#!/usr/bin/env bash
# Test install.sh against a temporary root: fresh install, upgrade, rollback,
# uninstall, purge, and `systemd-analyze verify` of the unit.
#
#   test/install/run.sh BINARY
#
# BINARY is a built counterpart (the Makefile passes a fresh build), or
# test/install/fake-counterpart to test the installer without a Go build.
# Prints "ok - <name>" / "not ok - <name>" per step and "N passed, M failed".
set -uo pipefail

usage() {
	echo "usage: $0 BINARY   (a built counterpart, or test/install/fake-counterpart)" >&2
	exit 2
}
[[ $# -eq 1 && -f $1 && -x $1 ]] || usage

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
BIN_SRC=$(cd -- "$(dirname -- "$1")" && pwd)/$(basename -- "$1")
INSTALL=$REPO/install.sh
UNIT_SRC=$REPO/systemd/counterpart.service

tmp=$(mktemp -d)
SERVER_PID=""
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT

root=$tmp/root
mkdir -p "$root"
BIN=$root/usr/local/bin/counterpart
CFG=$root/etc/counterpart/counterpart.yaml
PWFILE=$root/etc/counterpart/initial-admin-password
DATA=$root/var/lib/counterpart
BACKUPS=$root/var/backups/counterpart
UNIT=$root/etc/systemd/system/counterpart.service
OUT=$tmp/out
ERR=$tmp/err

FAKE=0
if [[ $("$BIN_SRC" --version 2>/dev/null) == *fake-counterpart* ]]; then
	FAKE=1
fi

passed=0
failed=0

# fail MSG: report why the current step fails and leave its subshell.
fail() {
	printf '    # %s\n' "$@"
	exit 1
}
mode_of() { stat -c %a -- "$1"; }
expect_mode() { # PATH MODE
	[[ -e $1 ]] || fail "missing: ${1#"$root"}"
	[[ $(mode_of "$1") == "$2" ]] || fail "${1#"$root"}: mode $(mode_of "$1"), want $2"
}
# run_install ARGS...: install.sh into the test root, output in $OUT and $ERR.
run_install() {
	"$INSTALL" --root "$root" --no-systemd "$@" >"$OUT" 2>"$ERR"
}
show_output() {
	sed 's/^/    # out: /' "$OUT"
	sed 's/^/    # err: /' "$ERR"
}
# not_printed VALUE WHAT: VALUE must appear in neither stdout nor stderr.
not_printed() {
	local all
	all="$(<"$OUT")$(<"$ERR")"
	[[ $all != *"$1"* ]] || fail "$2 was printed by install.sh"
}

step() { # NAME FUNCTION
	if ("$2"); then
		echo "ok - $1"
		passed=$((passed + 1))
	else
		echo "not ok - $1"
		failed=$((failed + 1))
	fi
}

# --- steps -------------------------------------------------------------------

t_shellcheck() {
	command -v shellcheck >/dev/null || fail "shellcheck not installed"
	(cd "$REPO" && shellcheck install.sh test/install/run.sh test/install/fake-counterpart) ||
		fail "shellcheck reported problems"
}

t_fresh_install() {
	run_install --binary "$BIN_SRC" || { local rc=$?; show_output; fail "install.sh exited $rc"; }
	grep -q '^==> ' "$OUT" || fail "no ==> progress lines"
	grep -qF "${PWFILE}" "$OUT" || fail "the password file path is not printed"

	expect_mode "$BIN" 755
	cmp -s "$BIN_SRC" "$BIN" || fail "installed binary differs from $BIN_SRC"
	expect_mode "$DATA" 750
	expect_mode "$root/etc/counterpart" 750
	expect_mode "$CFG" 600
	expect_mode "$PWFILE" 600
	expect_mode "$UNIT" 644
	cmp -s "$UNIT_SRC" "$UNIT" || fail "installed unit differs from systemd/counterpart.service"

	local secret password
	secret=$(sed -n 's/^[[:space:]]*secret:[[:space:]]*"\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$CFG")
	[[ ${#secret} -ge 48 ]] || fail "n8n.jwt.secret is ${#secret} characters, want >= 48"
	[[ $secret =~ ^[A-Za-z0-9_-]+$ ]] || fail "n8n.jwt.secret is not base64url"
	not_printed "$secret" "the JWT secret"
	grep -qx "data_dir: \"$DATA\"" "$CFG" || fail "data_dir is not $DATA"
	grep -qx 'http: 127.0.0.1:8090' "$CFG" || fail "http is not 127.0.0.1:8090"
	grep -qx '    algorithm: HS256' "$CFG" || fail "n8n.jwt.algorithm is not HS256"

	password=$(<"$PWFILE") || fail "cannot read the password file"
	[[ ${#password} -ge 16 ]] || fail "password is only ${#password} characters"
	not_printed "$password" "the superuser password"

	# no world- or group-readable secrets left behind anywhere in the tree
	local leaked
	leaked=$(find "$root/etc/counterpart" -type f -perm /077)
	[[ -z $leaked ]] || fail "group/world-accessible files: $leaked"
}

t_superuser() {
	local password
	[[ -f $PWFILE ]] || fail "no password file"
	password=$(<"$PWFILE")
	if [[ $FAKE == 1 ]]; then
		local hash
		hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
		grep -qx "admin@counterpart.local $hash" "$DATA/fake-superusers" ||
			fail "superuser upsert was not run with admin@counterpart.local and the password in the file"
		return 0
	fi
	[[ -f $DATA/data.db ]] || fail "no data.db in $DATA: superuser upsert did not use the configured data_dir"
	command -v curl >/dev/null || { echo "    # curl not found: skipping the sign-in check"; return 0; }

	# sign in with the generated password against the installed binary
	local port=$((20000 + RANDOM % 20000)) i
	(cd "$DATA" && exec "$BIN" --config "$CFG" serve --http "127.0.0.1:$port") >"$tmp/serve.log" 2>&1 &
	SERVER_PID=$!
	trap 'kill "$SERVER_PID" 2>/dev/null' EXIT # this step runs in a subshell
	for ((i = 0; i < 50; i++)); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/api/health" 2>/dev/null && break
		sleep 0.2
	done
	printf '{"identity":"admin@counterpart.local","password":"%s"}' "$password" >"$tmp/auth.json"
	local code
	code=$(curl -s -o "$tmp/auth.out" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data @"$tmp/auth.json" "http://127.0.0.1:$port/api/collections/_superusers/auth-with-password")
	kill "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	if [[ $code != 200 ]]; then
		sed 's/^/    # serve: /' "$tmp/serve.log" | tail -n 20
		fail "sign-in as admin@counterpart.local with the generated password: HTTP $code"
	fi
}

t_upgrade() {
	local cfg_sum pw_sum
	[[ -f $CFG && -f $PWFILE ]] || fail "nothing installed to upgrade"
	cfg_sum=$(sha256sum <"$CFG")
	pw_sum=$(sha256sum <"$PWFILE")
	echo keep >"$DATA/upgrade-marker"

	run_install --binary "$BIN_SRC" || { local rc=$?; show_output; fail "install.sh (upgrade) exited $rc"; }
	grep -qi 'upgrad' "$OUT" || fail "re-run did not say it upgrades"
	[[ $(sha256sum <"$CFG") == "$cfg_sum" ]] || fail "config changed on upgrade"
	[[ $(sha256sum <"$PWFILE") == "$pw_sum" ]] || fail "password file changed on upgrade"
	expect_mode "$CFG" 600
	expect_mode "$BIN" 755
	expect_mode "$BIN.previous" 755
	cmp -s "$BIN_SRC" "$BIN" || fail "installed binary differs from $BIN_SRC"

	local backups
	mapfile -t backups < <(find "$BACKUPS" -maxdepth 1 -type f -name '*.tar.gz')
	[[ ${#backups[@]} -eq 1 ]] || fail "want 1 backup tarball, found ${#backups[@]}"
	[[ ${backups[0]##*/} =~ ^[0-9]{8}T[0-9]{6}Z\.tar\.gz$ ]] || fail "backup name ${backups[0]##*/} is not a UTC timestamp"
	expect_mode "${backups[0]}" 600
	local listing
	listing=$(tar -tzf "${backups[0]}") || fail "cannot list ${backups[0]##*/}"
	grep -qx 'counterpart/upgrade-marker' <<<"$listing" || fail "backup lacks the data dir's files"
	if [[ $FAKE == 1 ]]; then
		[[ -s $DATA/fake-migrations ]] || fail "migrate up was not run"
	fi
	not_printed "$(<"$PWFILE")" "the superuser password"
}

t_rollback() {
	# a "new version" whose migrations damage the data and then fail
	local broken=$tmp/broken-counterpart
	printf '%s\n' '#!/bin/sh' \
		'case "$*" in' \
		'  *--version*) echo "counterpart version 9.9.9-broken" ;;' \
		"  *'migrate up'*) echo damaged >\"$DATA/damaged\"; echo 'migration 9999 failed' >&2; exit 1 ;;" \
		'esac' >"$broken"
	chmod 755 "$broken"
	local before
	before=$(find "$BACKUPS" -name '*.tar.gz' | wc -l)

	if run_install --binary "$broken"; then
		show_output
		fail "install.sh succeeded with failing migrations"
	fi
	grep -qi 'rolled back' "$ERR" || { show_output; fail "no 'rolled back' message on stderr"; }
	cmp -s "$BIN_SRC" "$BIN" || fail "the previous binary was not restored"
	[[ -f $DATA/upgrade-marker ]] || fail "data dir not restored (upgrade-marker missing)"
	[[ ! -e $DATA/damaged ]] || fail "data dir not restored (the failed migration's file is still there)"
	compgen -G "$DATA.failed-*" >/dev/null || fail "the failed data dir was not kept aside"
	[[ $(find "$BACKUPS" -name '*.tar.gz' | wc -l) -eq $((before + 1)) ]] || fail "no backup taken before the failed upgrade"
	expect_mode "$DATA" 750
}

t_health_rollback() {
	# a "new version" that migrates but cannot serve: the health check after the
	# start fails, so binary and data go back and the previous version serves again
	if [[ $FAKE == 1 ]]; then
		echo "    # fake-counterpart does not serve HTTP: skipping the health check"
		return 0
	fi
	command -v curl >/dev/null || fail "curl not installed"
	local unhealthy=$tmp/unhealthy-counterpart fakebin=$tmp/fakebin port=$((20000 + RANDOM % 20000))
	printf '%s\n' '#!/bin/sh' \
		'case "$*" in' \
		'  *--version*) echo "counterpart version 9.9.9-unhealthy" ;;' \
		"  *'migrate up'*) echo migrated >\"$DATA/migrated-by-unhealthy\" ;;" \
		"  *serve*) echo 'panic: the new version cannot start' >&2; exit 1 ;;" \
		'esac' >"$unhealthy"
	chmod 755 "$unhealthy"
	mkdir -p "$fakebin"
	ln -sf "$REPO/test/install/fake-systemctl" "$fakebin/systemctl"
	ln -sf "$REPO/test/install/fake-systemctl" "$fakebin/journalctl"
	sed -i "s/^http: .*/http: 127.0.0.1:$port/" "$CFG"
	export FAKE_SYSTEMD_STATE=$tmp/systemd FAKE_SYSTEMD_EXEC="cd '$DATA' && exec '$BIN' --config '$CFG' serve"
	# shellcheck disable=SC2064 # expand now: the locals are gone when the subshell exits
	trap "PATH='$fakebin':\$PATH systemctl stop counterpart" EXIT # this step runs in a subshell

	if PATH=$fakebin:$PATH COUNTERPART_HEALTH_TIMEOUT=5 "$INSTALL" --root "$root" --systemd --binary "$unhealthy" >"$OUT" 2>"$ERR"; then
		show_output
		fail "install.sh succeeded with a version that cannot serve"
	fi
	grep -q 'did not become healthy; rolled back' "$ERR" || { show_output; fail "no 'did not become healthy; rolled back' on stderr"; }
	grep -q 'the new version cannot start' "$ERR" || { show_output; fail "the service's last log lines were not shown"; }
	cmp -s "$BIN_SRC" "$BIN" || fail "the previous binary was not restored"
	[[ ! -e $DATA/migrated-by-unhealthy ]] || fail "data dir not restored (the new version's migration is still there)"
	curl -fsS -o /dev/null -m 3 "http://127.0.0.1:$port/api/health" || { show_output; fail "the previous version does not serve after the rollback"; }
}

t_uninstall() {
	run_install --uninstall || { local rc=$?; show_output; fail "install.sh --uninstall exited $rc"; }
	[[ ! -e $BIN ]] || fail "binary still installed"
	[[ ! -e $BIN.previous ]] || fail "counterpart.previous still installed"
	[[ ! -e $UNIT ]] || fail "unit still installed"
	[[ -f $CFG ]] || fail "config removed"
	[[ -f $DATA/upgrade-marker ]] || fail "data removed"
	[[ -d $BACKUPS ]] || fail "backups removed"
}

t_purge() {
	run_install --uninstall --purge || { local rc=$?; show_output; fail "install.sh --uninstall --purge exited $rc"; }
	[[ ! -e $DATA ]] || fail "data dir still there"
	[[ ! -e $root/etc/counterpart ]] || fail "config dir still there"
	! compgen -G "$DATA.failed-*" >/dev/null || fail "failed-upgrade data dir still there"
	[[ ! -e $BIN ]] || fail "binary still installed"
}

t_unit_verify() {
	command -v systemd-analyze >/dev/null || fail "systemd-analyze not installed"
	# verify against a scratch root: the unit, an executable at ExecStart's path and
	# the distribution's units (for the default dependencies such as sysinit.target).
	# --root makes this work without a running systemd (e.g. in a container).
	local vroot=$tmp/verify
	mkdir -p "$vroot/etc/systemd/system" "$vroot/usr/local/bin" "$vroot/usr/lib/systemd"
	cp "$UNIT_SRC" "$vroot/etc/systemd/system/counterpart.service"
	printf '#!/bin/sh\nexit 0\n' >"$vroot/usr/local/bin/counterpart"
	chmod 755 "$vroot/usr/local/bin/counterpart"
	local sysunits
	for sysunits in /usr/lib/systemd/system /lib/systemd/system; do
		[[ -d $sysunits ]] && break
	done
	[[ -d $sysunits ]] || fail "no system unit directory to verify against"
	cp -a "$sysunits" "$vroot/usr/lib/systemd/system"
	# systemd-analyze touches /run/systemd/systemd-units-load; when we may, run it in
	# a private mount namespace with a scratch /run/systemd so the host is left alone.
	local -a isolate=()
	if [[ $EUID -eq 0 && -d /run/systemd ]] && command -v unshare >/dev/null &&
		unshare -m --propagation private true 2>/dev/null; then
		isolate=(unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run/systemd && exec "$@"' sh)
	fi
	local out rc=0
	out=$(SYSTEMD_LOG_LEVEL=notice "${isolate[@]}" systemd-analyze verify --man=no --root="$vroot" counterpart.service 2>&1) || rc=$?
	# verify exits 0 on unknown keys and bad values, only warning: treat any output as failure
	if [[ $rc -ne 0 || -n $out ]]; then
		printf '%s\n' "$out" | sed 's/^/    # verify: /'
		fail "systemd-analyze verify exited $rc"
	fi

	# the settings the installer and the app rely on
	local want
	for want in 'Type=simple' 'User=counterpart' 'Group=counterpart' \
		'ExecStart=/usr/local/bin/counterpart --config /etc/counterpart/counterpart.yaml serve' \
		'WorkingDirectory=/var/lib/counterpart' 'ReadWritePaths=/var/lib/counterpart' \
		'Restart=on-failure' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
		'PrivateTmp=yes' 'PrivateDevices=yes' 'MemoryDenyWriteExecute=yes' \
		'SystemCallFilter=@system-service' 'CapabilityBoundingSet=' 'UMask=0077' \
		'LimitNOFILE=65536' 'WantedBy=multi-user.target'; do
		grep -qxF "$want" "$UNIT_SRC" || fail "unit lacks: $want"
	done
}

step "shellcheck install.sh and test/install/run.sh" t_shellcheck
step "fresh install into a temporary root" t_fresh_install
step "first superuser created with the generated password" t_superuser
step "re-run upgrades in place (config kept, backup, counterpart.previous)" t_upgrade
step "failed migration rolls back binary and data" t_rollback
step "unhealthy new version rolls back and the previous one serves" t_health_rollback
step "--uninstall keeps data and config" t_uninstall
step "--uninstall --purge removes data and config" t_purge
step "systemd-analyze verify systemd/counterpart.service" t_unit_verify

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
