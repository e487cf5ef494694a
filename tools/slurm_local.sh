#!/usr/bin/env bash
# A real single-node Slurm on this machine, for the tests and for trying `--executor slurm`:
#
#   bash tools/slurm_local.sh start    # install (apt) what is missing, write slurm.conf, start, wait for idle
#   bash tools/slurm_local.sh status   # which daemons run; sinfo
#   bash tools/slurm_local.sh stop     # stop slurmd, slurmctld and munged (the ones this script started)
#
# Installs Debian's slurmctld, slurmd, slurm-client and munge when missing, writes a minimal
# /etc/slurm/slurm.conf for this host (one node with all its cores and memory, one partition "local";
# ProctrackType=proctrack/linuxproc and TaskPlugin=task/none, so no cgroups are needed; no accounting
# database, so sacct is unavailable and the executor reads job states from squeue and the unit folders),
# starts munged, slurmctld and slurmd, and waits until sinfo shows the node idle. An existing slurm.conf
# that this script did not write is left alone (and used). Needs root (or sudo).
set -euo pipefail

CONF=/etc/slurm/slurm.conf
MARK="# written by gemstones-deno tools/slurm_local.sh"
STATE=/var/lib/gemstones-slurm
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi

say() { echo "slurm_local: $*"; }

install_missing() {
  local need=()
  for p in slurmctld slurmd slurm-client munge; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if [ ${#need[@]} -gt 0 ]; then
    say "installing missing packages: ${need[*]} (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

write_conf() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    say "keeping the existing $CONF (not written by this script)"
    return
  fi
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  $sudo mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d" "$STATE/log"
  $sudo tee "$CONF" >/dev/null <<EOF
$MARK
ClusterName=gemstones
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Finished jobs stay visible to squeue/scontrol for 5 minutes; a requeued task may start again after
# cred_expire + 1 s (11 s here, 121 s by default); 10 s between SIGTERM and SIGKILL.
MinJobAge=300
AuthInfo=cred_expire=10
KillWait=10
MailProg=/bin/true
SchedulerParameters=sched_interval=2,bf_interval=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  say "wrote $CONF (node $host: $cpus CPUs, $mem MB)"
}

running() { pgrep -x "$1" >/dev/null 2>&1; }

start() {
  install_missing
  write_conf
  if ! running munged; then
    $sudo mkdir -p /run/munge /var/log/munge /var/lib/munge
    $sudo chown munge:munge /run/munge /var/log/munge /var/lib/munge
    [ -f /etc/munge/munge.key ] || $sudo runuser -u munge -- /usr/sbin/mungekey --create
    say "starting munged"
    $sudo runuser -u munge -- /usr/sbin/munged </dev/null >/dev/null 2>&1
  fi
  if ! running slurmctld; then say "starting slurmctld"; $sudo /usr/sbin/slurmctld </dev/null >/dev/null 2>&1; fi
  if ! running slurmd; then say "starting slurmd"; $sudo /usr/sbin/slurmd </dev/null >/dev/null 2>&1; fi
  local host state
  host=$(hostname -s)
  for _ in $(seq 1 60); do
    state=$(sinfo -h -n "$host" -o "%T" 2>/dev/null || true)
    case "$state" in
      idle|mixed|allocated) say "node $host is $state"; return 0 ;;
      down*|drain*) $sudo scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 1
  done
  say "the node did not become idle in 60 s (state: ${state:-none}); see $STATE/log/"
  return 1
}

stop() {
  for d in slurmd slurmctld munged; do
    local pid
    pid=$(pgrep -x "$d" || true)
    if [ -n "$pid" ]; then say "stopping $d ($pid)"; $sudo kill $pid; fi
  done
}

status() {
  for d in munged slurmctld slurmd; do
    if running "$d"; then say "$d running"; else say "$d not running"; fi
  done
  sinfo 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: tools/slurm_local.sh start|stop|status" >&2; exit 2 ;;
esac
