# shellcheck shell=bash
# Throwaway one-node Slurm cluster on this machine, for tests that submit real
# sbatch jobs.  Source it (". scripts/slurm-cluster.sh"), then:
#   slurm_install          # apt-installs slurm-wlm + munge if missing
#   slurm_up DIR           # all config/state/logs/sockets under DIR; exports SLURM_CONF
#   slurm_down [DIR]       # kills only the daemons slurm_up started; idempotent
# Meant to be used with "trap slurm_down EXIT" right before slurm_up.
# Nothing here touches /etc/slurm or /etc/munge: the daemons run as root with
# every path pointing into DIR, so several clusters/CI runs cannot collide.

# "pid:starttime:name" for every daemon we started (also in DIR/daemons).  The start time (field 22 of
# /proc/PID/stat) guards against killing an unrelated process that reused a PID.
# Sourcing the file again while a cluster is up must not forget its daemons.
declare -p _SLURM_DAEMONS >/dev/null 2>&1 || _SLURM_DAEMONS=()
: "${_SLURM_DIR:=}" "${SLURM_MUNGED_PID:=}" "${SLURM_CTLD_PID:=}" "${SLURM_SLURMD_PID:=}"

slurm_install() {
  local c missing=0 made_policy=0 rc=0
  for c in slurmctld slurmd munged sbatch; do
    command -v "$c" >/dev/null 2>&1 || missing=1
  done
  [ "$missing" = 0 ] && return 0
  # Debian postinst scripts would otherwise try to start munge/slurm services
  # with the system-wide config; 101 = "action forbidden" for invoke-rc.d.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  # The image ships package lists; only refresh them if installing from them
  # fails (stale lists point at files the mirror no longer has).
  local log apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge)
  log=$(mktemp) || return 1
  "${apt[@]}" >"$log" 2>&1 || {
    echo "slurm_install: retrying after apt-get update" >&2
    apt-get update -qq >>"$log" 2>&1 && "${apt[@]}" >>"$log" 2>&1
  } || { rc=$?; tail -n 20 "$log" >&2; }
  rm -f "$log"
  if [ "$made_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$rc"
}

# Field 22 of /proc/PID/stat (start time); fields are counted after the
# ")" that closes the command name, which may itself contain spaces.
_slurm_starttime() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  # shellcheck disable=SC2086  # word-split on purpose
  set -- $s
  echo "${20}"
}

# True while PID is a live process (not a zombie) that we started.
_slurm_alive() { # pid starttime
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  case ${s%% *} in Z | X | x) return 1 ;; esac
  [ "$(_slurm_starttime "$1")" = "$2" ]
}

# True if some socket on this machine already uses local TCP port $1.
_slurm_port_used() {
  local hex
  hex=$(printf ':%04X ' "$1")
  grep -qs -- "$hex" /proc/net/tcp /proc/net/tcp6
}

# True if some socket on this machine listens (state 0A) on TCP port $1.
_slurm_listening() {
  grep -qs -- "$(printf ':%04X 00000000:0000 0A ' "$1")" /proc/net/tcp
}

# Start "$@" in the background in the daemon's foreground mode, so $! is the
# daemon itself (no pid-file race).  setsid: a signal to the caller's process
# group (Ctrl-C, timeout(1)) must not hit the daemons before the EXIT trap's
# slurm_down talks to them; setsid only keeps the PID if the child is not a
# group leader, hence job control off.  disown: bash still reaps the daemon
# when it dies, but prints no "Killed" job notice.
_slurm_spawn() { # name cmd...
  local name=$1 pid monitor=0
  shift
  if [[ $- == *m* ]]; then monitor=1 && set +m; fi
  setsid "$@" </dev/null >>"$_SLURM_DIR/$name.out" 2>&1 &
  pid=$!
  if [ "$monitor" = 1 ]; then set -m; fi
  disown "$pid"
  echo "$pid" >"$_SLURM_DIR/$name.pid"
  _SLURM_DAEMONS+=("$pid:$(_slurm_starttime "$pid"):$name")
  printf '%s\n' "${_SLURM_DAEMONS[-1]}" >>"$_SLURM_DIR/daemons"
  case $name in
    munged) SLURM_MUNGED_PID=$pid ;; slurmctld) SLURM_CTLD_PID=$pid ;; slurmd) SLURM_SLURMD_PID=$pid ;;
  esac
}

# Daemons in -D/-F mode also log to stderr (NAME.out); munged logs only there,
# and a slurm daemon that dies before opening its log file too.
_slurm_logs() {
  local n f
  for n in munged slurmctld slurmd; do
    f=$_SLURM_DIR/$n.log
    [ -s "$f" ] || f=$_SLURM_DIR/$n.out
    if [ -s "$f" ]; then echo "==> $f <=="; tail -n 15 "$f"; fi
  done >&2
}

_slurm_all_alive() {
  local d pid st
  for d in "${_SLURM_DAEMONS[@]}"; do
    IFS=: read -r pid st _ <<<"$d"
    _slurm_alive "$pid" "$st" || { echo "slurm_up: ${d##*:} (pid $pid) died" >&2; return 1; }
  done
}

slurm_up() {
  local dir host cpus mem port ctld_port slurmd_port i s
  dir=$(cd "${1:?usage: slurm_up DIR}" && pwd) || return 1
  [ -z "$_SLURM_DIR" ] || { echo "slurm_up: already up in $_SLURM_DIR" >&2; return 1; }
  _SLURM_DIR=$dir
  host=$(hostname -s)
  cpus=$(nproc)
  mkdir -p "$dir/state" "$dir/spool" && chmod 700 "$dir" || return 1

  # Two free ports away from the usual 6817/6818 and below the kernel's
  # ephemeral range (32768+); random start so parallel clusters rarely race.
  port=$((20000 + RANDOM % 12000))
  ctld_port='' slurmd_port=''
  for ((i = 0; i < 200; i++, port++)); do
    _slurm_port_used "$port" && continue
    if [ -z "$ctld_port" ]; then ctld_port=$port; else slurmd_port=$port && break; fi
  done
  [ -n "$slurmd_port" ] || { echo "slurm_up: no free ports" >&2; return 1; }
  # SLURMUP_CTLD_PORT pins the controller port (tests use a busy one to make
  # slurm_up fail on purpose).
  ctld_port=${SLURMUP_CTLD_PORT:-$ctld_port}

  # Memory: a little below what slurmd sees, or the node would be drained
  # for "Low RealMemory" if the estimate wobbles.
  mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p') || mem=
  mem=${mem:+RealMemory=$((mem * 9 / 10))}

  # munged on a private socket with a private key; clients find the socket via
  # AuthInfo in slurm.conf (used by auth/munge and cred/munge alike).
  ( umask 077 && dd if=/dev/urandom of="$dir/munge.key" bs=1 count=1024 2>/dev/null ) &&
    chmod 400 "$dir/munge.key" || return 1
  _slurm_spawn munged munged --foreground --force \
    --socket="$dir/munge.socket" --key-file="$dir/munge.key" \
    --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" --seed-file="$dir/munged.seed"
  for ((i = 0; i < 50; i++)); do
    munge --socket="$dir/munge.socket" -n 2>/dev/null | unmunge --socket="$dir/munge.socket" >/dev/null 2>&1 && break
    _slurm_all_alive || break
    sleep 0.1
  done
  if ((i == 50)) || ! _slurm_all_alive; then
    echo "slurm_up: munged did not come up" >&2
    _slurm_logs
    return 1
  fi

  cat >"$dir/slurm.conf" <<EOF
# generated by scripts/slurm-cluster.sh
ClusterName=dropsim
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# there is no mail(1) here; without this slurmctld logs an error at start
MailProg=/bin/true
# no cgroups anywhere: plain /proc process tracking, no task confinement
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
# CPUs are the only consumable, so array tasks share the node one CPU each
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# schedule at once; forget finished jobs after 5 s so "sbatch --wait" returns fast
SchedulerParameters=batch_sched_delay=0
MinJobAge=5
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus $mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # slurmd 22.05 always loads a cgroup plugin at start-up, even when nothing
  # uses it ("CgroupPlugin=disabled" only exists in later versions).  The v1
  # plugin's init is lazy and touches no cgroup; autodetect would pick v2 on a
  # pure-v2 host, whose init creates a cgroup for slurmd (fails in containers).
  echo "CgroupPlugin=cgroup/v1" >"$dir/cgroup.conf"
  export SLURM_CONF=$dir/slurm.conf

  _slurm_spawn slurmctld slurmctld -D
  _slurm_spawn slurmd slurmd -D -N "$host"

  # Until slurmctld listens, sinfo would just retry for seconds; polling the
  # socket table first makes a dead controller (e.g. port taken) fail fast.
  for ((i = 0; i < 120; i++)); do
    _slurm_all_alive || break
    if _slurm_listening "$ctld_port"; then
      s=$(timeout 5 sinfo -h -o %T 2>/dev/null) || s=''
      [ "$s" = idle ] && return 0
    fi
    sleep 0.25
  done
  echo "slurm_up: node not idle (state: '${s:-?}')" >&2
  _slurm_logs
  return 1
}

# slurm_down [DIR]: DIR is only needed from another shell than slurm_up's
# (e.g. a test harness that runs "bash -c" twice); it then reads DIR/daemons.
slurm_down() {
  local dir=${1:-$_SLURM_DIR} d pid st name i left=0 ctld=0
  local -a daemons=("${_SLURM_DAEMONS[@]}")
  if [ ${#daemons[@]} = 0 ] && [ -n "$dir" ] && [ -r "$dir/daemons" ]; then
    mapfile -t daemons <"$dir/daemons"
  fi
  for d in "${daemons[@]}"; do
    IFS=: read -r pid st name <<<"$d"
    if [ "$name" = slurmctld ] && _slurm_alive "$pid" "$st"; then ctld=1; fi
  done
  # Cancel jobs first: slurmstepd outlives slurmd by design.
  if [ "$ctld" = 1 ]; then
    SLURM_CONF=$dir/slurm.conf timeout 5 scancel --quiet --user="$(id -un)" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      [ -z "$(SLURM_CONF=$dir/slurm.conf timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.25
    done
  fi
  # Newest first (slurmd, slurmctld, munged).
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
    IFS=: read -r pid st _ <<<"${daemons[i]}"
    if _slurm_alive "$pid" "$st"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for ((i = 0; i < 50 && ${#daemons[@]} > 0; i++)); do
    left=0
    for d in "${daemons[@]}"; do
      IFS=: read -r pid st _ <<<"$d"
      if _slurm_alive "$pid" "$st"; then
        left=1
        if ((i == 30)); then kill -KILL "$pid" 2>/dev/null || true; fi # ~3 s after TERM
      fi
    done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  [ "$left" = 0 ] || { echo "slurm_down: some daemons survived KILL" >&2; return 1; }
  if [ -n "$dir" ]; then rm -f "$dir/daemons"; fi
  _SLURM_DAEMONS=()
  _SLURM_DIR='' SLURM_MUNGED_PID='' SLURM_CTLD_PID='' SLURM_SLURMD_PID=''
}
