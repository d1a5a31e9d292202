#!/bin/sh
# deps.sh - install what zsim needs from Debian's packages (Debian 12).
# As root it runs apt-get; otherwise it prints the exact apt-get line and fails.
# gnuplot draws `zsim plot`; chromium (headless) checks `zsim report` in the tests;
# GNU parallel, Slurm (slurmctld, slurmd, slurm-client) and munge run the
# `zsim sweep --emit` tests (the Slurm test starts and stops its own daemons;
# installing starts none where policy-rc.d forbids it, and nothing is enabled).
set -u
PKGS="gcc make bc time pkg-config liblz4-dev liblzo2-dev libzstd-dev libjansson-dev check libxxhash-dev gnuplot-nox util-linux clang chromium parallel slurmctld slurmd slurm-client munge"
# `deps.sh validate` (make validate-kernel) adds what the real-kernel validation boots with
[ "${1:-}" = validate ] && PKGS="$PKGS qemu-system-x86 busybox-static cpio jq"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "zsim: missing packages:$missing" >&2
	echo "zsim: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "zsim: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
	echo "zsim: apt-get install -y$missing failed" >&2
	exit 1
}
# Debian's munge, slurmctld and slurmd start and enable their services when
# installed on a systemd machine; the sweep test runs its own, so what this
# script just installed is stopped and disabled again (an earlier install is
# left alone).
if [ -d /run/systemd/system ] && command -v systemctl > /dev/null 2>&1; then
	for svc in munge slurmctld slurmd; do
		case " $missing " in
		*" $svc "*) systemctl disable --now "$svc" > /dev/null 2>&1 || true ;;
		esac
	done
fi
exit 0
