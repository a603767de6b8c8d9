#!/usr/bin/env bash
# LockDiscipline on real libraries, built the normal way (restore + build of the library project) with the
# LockDiscipline package added through inject.targets. See README.md beside this file.
#
# usage: run.sh NAME [MODE [N]]
#   NAME  NLog | StackExchange.Redis | npgsql | Polly | log4net | quartznet | rabbitmq | MQTTnet | Autofac | LiteDB | reactive
#         | MySqlConnector | Castle.Core | NATS.Client | serilog | akka.net | mongodb | easynetq | Newtonsoft.Json
#         | prometheus-net | opentelemetry-dotnet | protobuf-net
#         (or lower case; "list" lists them)
#   MODE  findings  (default) feed + cache + restore + build, findings to results/NAME-findings.txt and a summary line
#         checkout  clone the repository into $RC_ROOT/NAME from $LD_MIRRORS (or GitHub) and check out the commit
#         config    only add the package folder to the repository's nuget.config
#         restore   feed + cache + restore with LockDiscipline (no build)
#         prefetch  restore WITHOUT LockDiscipline, to get the library's own packages into the cache
#         intent    as findings, with intent/NAME.patch applied for the build (the annotations that state a library's
#                   design, see docs/real-code.md) and taken out again after it; results/NAME-intent-*.txt
#         time [N]  feed + cache + restore + one warm build, then N (default 3) alternating builds with analyzers off
#                   (base) and with LockDiscipline on (ld, -p:ReportAnalyzer=true); medians to results/NAME-timing.txt
#
# environment:
#   LD_FEED       folder holding the packed package (default /work/rc/feed): dotnet pack src/Package -c Release -o $LD_FEED
#   LD_VERSION    package version (default 0.1.0)
#   LD_ONLY       1 (default): drop other third-party analyzers (-p:LdOnly=true, NET analyzers and code style off);
#                 0: keep the repository's own analyzers as they are
#   RC_ROOT       where the work trees are (default /work/rc); LD_MIRRORS: bare mirrors (default /work/.mirror)
#   LOGS          build logs (default $RC_ROOT/logs)
#   LD_NO_LOCK=1  do not take the $RC_ROOT/.run.lock lock (one run.sh build at a time otherwise)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RC_ROOT=${RC_ROOT:-/work/rc}
LD_FEED=${LD_FEED:-/work/rc/feed}
LD_VERSION=${LD_VERSION:-0.1.0}
LD_ONLY=${LD_ONLY:-1}
LD_MIRRORS=${LD_MIRRORS:-/work/.mirror}
LOGS=${LOGS:-$RC_ROOT/logs}
RESULTS=$HERE/results
PACKAGES=${NUGET_PACKAGES:-$HOME/.nuget/packages}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }

# NAME -> repository (owner/name), commit, work-tree folder, project, TFM, extra MSBuild properties (restore and build)
lib() {
  case "${1,,}" in
    nlog)
      REPO=NLog/NLog; COMMIT=01a20bc9b61c0d6296e5b6e62a0518a443b944b5; NAME=NLog
      PROJ=src/NLog/NLog.csproj; TFM=netstandard2.1
      PROPS=(-p:TargetFrameworks=netstandard2.1);;   # only that TFM: net35/net46 would need reference packs
    redis|stackexchange.redis)
      REPO=StackExchange/StackExchange.Redis; COMMIT=90bbf1fcba1c9cc464c94b96d16c2706f590383f; NAME=StackExchange.Redis
      PROJ=src/StackExchange.Redis/StackExchange.Redis.csproj; TFM=net8.0
      PROPS=();;   # its Directory.Build.targets turns analyzers off except on net10.0: -p:RunAnalyzers=true (always passed)
    npgsql)
      REPO=npgsql/npgsql; COMMIT=3cb5804b769b000a1fc88ad8e5e764667f0df4a1; NAME=npgsql
      PROJ=src/Npgsql/Npgsql.csproj; TFM=net10.0
      PROPS=();;
    polly|polly.core)
      REPO=App-vNext/Polly; COMMIT=173d6d1d2e28a4697f1ac1d22da68f77ff19a0c9; NAME=Polly
      PROJ=src/Polly.Core/Polly.Core.csproj; TFM=net8.0
      # only that TFM: with all five, the down-level ones fail restore with NU1605 (Microsoft.Bcl.TimeProvider 8.0.0
      # is not on the configured source, 8.0.1 is taken and needs Microsoft.Bcl.AsyncInterfaces >= 8.0.0, pinned 6.0.0)
      PROPS=(-p:TargetFrameworks=net8.0);;
    log4net)
      REPO=apache/logging-log4net; COMMIT=1231d72f769cac100e17275e40a9f384abf564c3; NAME=log4net
      PROJ=src/log4net/log4net.csproj; TFM=netstandard2.0
      PROPS=(-p:TargetFrameworks=netstandard2.0);;   # net462 would need reference packs
    quartz|quartznet)
      REPO=quartznet/quartznet; COMMIT=d97e7822f25987ad7944249c37ca5573835f171e; NAME=quartznet
      PROJ=src/Quartz/Quartz.csproj; TFM=net10.0
      PROPS=();;
    rabbitmq|rabbitmq.client)
      REPO=rabbitmq/rabbitmq-dotnet-client; COMMIT=9579b3d5acb77457ddbd8ad8df655c39ddf00eaf; NAME=rabbitmq
      PROJ=projects/RabbitMQ.Client/RabbitMQ.Client.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0);;
    mqttnet)
      REPO=dotnet/MQTTnet; COMMIT=14463d1ef9f1f119514185c1832905b91bff827d; NAME=MQTTnet
      PROJ=Source/MQTTnet/MQTTnet.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0 -p:GeneratePackageOnBuild=false);;
    autofac)
      REPO=autofac/Autofac; COMMIT=b7f65d61fcd650ac5850b05f83df1b5dbaaf8d27; NAME=Autofac
      PROJ=src/Autofac/Autofac.csproj; TFM=net8.0
      PROPS=();;   # a TargetFrameworks override would reach its source generator project too
    litedb)
      REPO=mbdavid/LiteDB; COMMIT=2cc00c7094a966b7912c321c1ff7a754433c6d14; NAME=LiteDB
      PROJ=LiteDB/LiteDB.csproj; TFM=netstandard2.0
      PROPS=(-p:TargetFrameworks=netstandard2.0);;   # net45 would need reference packs
    reactive|rx|system.reactive)
      REPO=dotnet/reactive; COMMIT=56b3e1e9bf3605a4e2bfe08b68c11291896363ab; NAME=reactive
      PROJ=Rx.NET/Source/src/System.Reactive/System.Reactive.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0 -p:LangVersion=14.0);;   # the Windows and UAP targets need their SDKs; its code needs C# 14
    mysqlconnector)
      REPO=mysql-net/MySqlConnector; COMMIT=61366757a2ae58e9ec0624518d437212ffae04eb; NAME=MySqlConnector
      PROJ=src/MySqlConnector/MySqlConnector.csproj; TFM=net10.0
      PROPS=(-p:TargetFrameworks=net10.0 -p:EnablePackageValidation=false);;   # its package validation restores the last release
    castle|castle.core)
      REPO=castleproject/Core; COMMIT=963107421f7c11dc37ce0017487a895b6bc01e4c; NAME=Castle.Core
      PROJ=src/Castle.Core/Castle.Core.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0);;
    nats|nats.client)
      REPO=nats-io/nats.net.v1; COMMIT=e804e7f6ca53a55eaafd1c1b36348a21d6dbb093; NAME=NATS.Client
      PROJ=src/NATS.Client/NATS.Client.csproj; TFM=netstandard2.0
      PROPS=();;
    serilog)
      REPO=serilog/serilog; COMMIT=60935b4d7abad71cf6157b45a10f5c3c65ead527; NAME=serilog
      PROJ=src/Serilog/Serilog.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0);;
    akka|akka.net)
      REPO=akkadotnet/akka.net; COMMIT=07c2b51640e94bdc35dcff15155abb5bcbe4d8e2; NAME=akka.net
      PROJ=src/core/Akka/Akka.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0 -p:LangVersion=14.0);;   # the Polyfill package it restores needs C# 14
    mongodb|mongo)
      REPO=mongodb/mongo-csharp-driver; COMMIT=97e3979258ffff5cba91d76780f14ae9f4693c4c; NAME=mongodb
      PROJ=src/MongoDB.Driver/MongoDB.Driver.csproj; TFM=net6.0
      PROPS=(-p:TargetFrameworks=net6.0);;
    easynetq)
      REPO=EasyNetQ/EasyNetQ; COMMIT=03da1f1d7e193ee2112da4c2f1891c773f332730; NAME=EasyNetQ
      PROJ=Source/EasyNetQ/EasyNetQ.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0);;
    newtonsoft|newtonsoft.json|json.net)
      REPO=JamesNK/Newtonsoft.Json; COMMIT=09bb545d72969ad7fb4ea07db0d5c34f4fc07877; NAME=Newtonsoft.Json
      PROJ=Src/Newtonsoft.Json/Newtonsoft.Json.csproj; TFM=net8.0
      # its own switch for the target list (net20-net45 would need reference packs); SourceLink rejects a local clone's URL
      PROPS=(-p:LibraryFrameworks=net8.0 -p:EnableSourceLink=false);;
    prometheus|prometheus-net)
      REPO=prometheus-net/prometheus-net; COMMIT=60e9106a83ff1274fec0022c37366f04822b1d1b; NAME=prometheus-net
      PROJ=Prometheus/Prometheus.csproj; TFM=net6.0
      PROPS=(-p:TargetFrameworks=net6.0 -p:EnableSourceLink=false);;   # SourceLink rejects a local clone's URL
    opentelemetry|opentelemetry-dotnet)
      REPO=open-telemetry/opentelemetry-dotnet; COMMIT=63d9cd17298d977235bf254a346a1b07944d85dd; NAME=opentelemetry-dotnet
      PROJ=src/OpenTelemetry/OpenTelemetry.csproj; TFM=net8.0
      PROPS=(-p:TargetFrameworks=net8.0);;
    protobuf|protobuf-net)
      REPO=protobuf-net/protobuf-net; COMMIT=cddd8d9ce724f432aeaf86bcb7170f765c09459e; NAME=protobuf-net
      PROJ=src/protobuf-net/protobuf-net.csproj; TFM=net8.0
      # a TargetFrameworks override would reach its build-tools analyzer project; that project's pins meet the source's
      # versions only with the NU1605 downgrade left a warning
      PROPS=(-p:GeneratePackageOnBuild=false -p:EnableSourceLink=false -p:WarningsAsErrors=);;
    *) return 1;;
  esac
  DIR=$RC_ROOT/$NAME
}

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then
  for n in NLog StackExchange.Redis npgsql Polly log4net quartznet rabbitmq MQTTnet Autofac LiteDB reactive MySqlConnector Castle.Core NATS.Client serilog akka.net mongodb easynetq Newtonsoft.Json prometheus-net opentelemetry-dotnet protobuf-net; do lib $n; echo "$NAME  $REPO@${COMMIT:0:10}  $PROJ  $TFM  ${PROPS[*]}"; done
  exit 0
fi
lib "$1" || { echo "unknown library: $1" >&2; usage; }
MODE=${2:-findings}
N=${3:-3}

INJECT=(-p:CustomAfterMicrosoftCommonTargets=$HERE/inject.targets -p:LockDisciplineVersion=$LD_VERSION)
NOERR=(-p:TreatWarningsAsErrors=false -p:MSBuildTreatWarningsAsErrors=false -p:CodeAnalysisTreatWarningsAsErrors=false)
if [ "$LD_ONLY" = 1 ]; then
  ONLY=(-p:LdOnly=true -p:EnableNETAnalyzers=false -p:EnforceCodeStyleInBuild=false)
else
  ONLY=()
fi
# no compiler server: a repacked analyzer at the same path is loaded afresh, and no server outlives the run
BUILD=(dotnet build "$PROJ" -f "$TFM" -c Release --no-restore --no-incremental --disable-build-servers -tl:off -nologo)

log() { echo "[run.sh $NAME $(date +%H:%M:%S)] $*" >&2; }

lock() {
  [ "${LD_NO_LOCK:-0}" = 1 ] && return 0
  mkdir -p "$RC_ROOT"
  exec 9>"$RC_ROOT/.run.lock"
  flock -n 9 || { log "waiting for another run.sh (lock $RC_ROOT/.run.lock)"; flock 9; }
}

checkout() {
  if [ ! -d "$DIR/.git" ]; then
    local src="$LD_MIRRORS/${REPO/\//+}/repo"
    [ -d "$src" ] || src="https://github.com/$REPO.git"
    log "cloning $src into $DIR"
    git clone -q --no-checkout "$src" "$DIR"
  fi
  if [ "$(git -C "$DIR" rev-parse HEAD 2>/dev/null)" != "$COMMIT" ] || [ -n "$(git -C "$DIR" status --porcelain --untracked-files=no -- . ':!nuget.config' ':!NuGet.config' ':!NuGet.Config' ':!global.json' 2>/dev/null | head -1)" ]; then
    # a snapshot mirror may lack its largest blobs: leave those (test binaries) out of the work tree
    local missing
    missing=$(git -C "$DIR" ls-tree -r "$COMMIT" | awk -F'\t' '{split($1,a," "); if (a[2]=="blob") print a[3]" "$2}' \
              | git -C "$DIR" cat-file --batch-check='%(objectname) %(objecttype) %(rest)' | awk '$2=="missing"{print $1}' || true)
    if [ -n "$missing" ]; then
      missing=$(git -C "$DIR" ls-tree -r "$COMMIT" | awk -F'\t' -v m="$missing" 'BEGIN{n=split(m,x,"\n"); for(i=1;i<=n;i++) miss[x[i]]=1} {split($1,a," "); if (a[3] in miss) print $2}')
      log "blobs missing from the clone, left out of the work tree: $(echo $missing)"
      git -C "$DIR" sparse-checkout set --no-cone '/*' $(printf "!/%s\n" $missing)
    fi
    git -C "$DIR" checkout -q --force "$COMMIT"
  fi
  log "$DIR at $(git -C "$DIR" rev-parse --short HEAD)"
}

need_tree() {
  [ -f "$DIR/$PROJ" ] || { echo "no $DIR/$PROJ: run '$0 $NAME checkout' first" >&2; exit 1; }
  local head; head=$(git -C "$DIR" rev-parse HEAD)
  [ "$head" = "$COMMIT" ] || log "WARNING: $DIR is at $head, not $COMMIT"
}

config() {
  mkdir -p "$LD_FEED"
  local cfg; cfg=$(find "$DIR" -maxdepth 1 -iname nuget.config | head -1)
  python3 "$HERE/ldrc.py" add-feed "${cfg:-$DIR/nuget.config}" "$LD_FEED" >&2
  # a global.json pinned to an SDK this machine lacks (RabbitMQ.Client: 8.0.100, latestFeature) may roll forward to ours
  if [ -f "$DIR/global.json" ]; then
    python3 - "$DIR/global.json" <<'PY' >&2
import json, sys
path = sys.argv[1]
data = json.load(open(path))
sdk = data.setdefault("sdk", {})
if sdk.get("rollForward") != "latestMajor":
    sdk["rollForward"] = "latestMajor"
    json.dump(data, open(path, "w"), indent=2)
    print(path + ": rollForward = latestMajor")
PY
  fi
}

clear_cache() {
  # The global packages folder is keyed by version only: a repacked $LD_VERSION is used only once the cached copy is
  # gone. Cleared only when the feed's nupkg differs from it, so an empty feed never loses a working cached copy.
  if python3 "$HERE/ldrc.py" cache-stale "$LD_FEED" "$PACKAGES" "$LD_VERSION"; then
    log "removing stale $PACKAGES/lockdiscipline/$LD_VERSION"
    rm -rf "$PACKAGES/lockdiscipline/${LD_VERSION,,}"
  fi
}

restore() { # restore [with-ld|without-ld]
  local what=${1:-with-ld} inj=("${INJECT[@]}")
  [ "$what" = without-ld ] && inj=()
  mkdir -p "$LOGS"
  local log_file=$LOGS/$NAME-restore-$what.log
  log "dotnet restore $PROJ ($what) > $log_file"
  if ! (cd "$DIR" && dotnet restore "$PROJ" --force --disable-build-servers -tl:off -nologo "${inj[@]}" "${NOERR[@]}" "${PROPS[@]}") >"$log_file" 2>&1; then
    { grep -E 'error|warning NU' "$log_file" | sort -u | head -20 >&2; } || true
    if [ "$what" = with-ld ] && grep -q 'LockDiscipline' "$log_file"; then
      log "LockDiscipline $LD_VERSION is not in $LD_FEED (dotnet pack src/Package -c Release -o $LD_FEED)"
    fi
    log "restore FAILED ($log_file)"; return 1
  fi
  { grep -E 'warning NU' "$log_file" | sort -u | head -10 >&2; } || true
  if [ "$what" = with-ld ]; then
    local assets
    assets=$(cd "$DIR" && dotnet msbuild "$PROJ" -nologo "${inj[@]}" "${PROPS[@]}" -getProperty:ProjectAssetsFile 2>/dev/null | tail -1)
    if [ -f "$assets" ] && ! grep -qi "\"LockDiscipline/$LD_VERSION\"" "$assets"; then
      log "restore did not bring in LockDiscipline/$LD_VERSION ($assets)"; return 1
    fi
  fi
  log "restore ok"
}

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
wait_quiet() { # until under 15% of one core is busy over 5 s, at most 8 minutes
  local t0; t0=$(date +%s)
  while :; do
    local a b pct; a=$(busy); sleep 5; b=$(busy)
    pct=$(( (b - a) * 100 / (5 * $(getconf CLK_TCK)) ))
    if [ $pct -lt 15 ]; then log "machine quiet ($pct% of a core)"; return; fi
    if [ $(( $(date +%s) - t0 )) -gt 480 ]; then log "machine NOT quiet ($pct% of a core) after 8 min, going on"; return; fi
  done
}

findings() { # findings [OUT_NAME]
  mkdir -p "$LOGS" "$RESULTS"
  local out=${1:-$NAME}
  local log_file=$LOGS/$out-build.log t0 rc=0
  log "${BUILD[*]} ... > $log_file"
  t0=$(date +%s)
  (cd "$DIR" && "${BUILD[@]}" -v:minimal -p:RunAnalyzers=true "${INJECT[@]}" "${NOERR[@]}" "${ONLY[@]}" "${PROPS[@]}") >"$log_file" 2>&1 || rc=$?
  local secs=$(( $(date +%s) - t0 ))
  { grep -E 'LdOnly .*: (dropped|kept)' "$log_file" | sed 's/^ *//' | sort -u >&2; } || true
  if [ $rc != 0 ]; then
    { grep -E ': error ' "$log_file" | sort -u | head -20 >&2; } || true
    log "BUILD FAILED (rc=$rc, $log_file)"
  fi
  local line
  line=$(python3 "$HERE/ldrc.py" findings "$log_file" "$DIR" "$PROJ" "$RESULTS/$out-findings.txt" "$out @ ${COMMIT:0:8} $TFM")
  line="$line; build rc=$rc, ${secs}s, LdOnly=$LD_ONLY, LockDiscipline $LD_VERSION"
  echo "$line" | tee "$RESULTS/$out-summary.txt"
  echo "findings: $RESULTS/$out-findings.txt" >&2
  return $rc
}

timing() {
  mkdir -p "$LOGS" "$RESULTS"
  local common=("${INJECT[@]}" "${NOERR[@]}" -p:LdOnly=true -p:EnableNETAnalyzers=false -p:EnforceCodeStyleInBuild=false "${PROPS[@]}")
  log "warm build (dependencies built, analyzers off)"
  (cd "$DIR" && dotnet build "$PROJ" -f "$TFM" -c Release --no-restore --disable-build-servers -tl:off -nologo -v:minimal -p:RunAnalyzers=false "${common[@]}") >"$LOGS/$NAME-warm.log" 2>&1 \
    || { log "warm build FAILED ($LOGS/$NAME-warm.log)"; return 1; }
  local logs=() stamp; stamp=$(date +%Y%m%d-%H%M%S)
  for i in $(seq 1 "$N"); do
    for kind in base ld; do
      local f=$LOGS/$NAME-$kind-$stamp-$i.log
      local extra=(-p:RunAnalyzers=false)
      [ $kind = ld ] && extra=(-p:RunAnalyzers=true -p:ReportAnalyzer=true)
      wait_quiet
      log "$kind $i/$N > $f"
      (cd "$DIR" && "${BUILD[@]}" --no-dependencies -v:d -clp:PerformanceSummary "${extra[@]}" "${common[@]}") >"$f" 2>&1 \
        || { log "$kind build FAILED ($f)"; return 1; }
      logs+=("$f")
    done
  done
  python3 "$HERE/ldrc.py" times "$NAME @ ${COMMIT:0:8} $TFM" "${logs[@]}" | tee "$RESULTS/$NAME-timing.txt"
}

intent() {
  INTENT_PATCH=$HERE/intent/$NAME.patch
  [ -f "$INTENT_PATCH" ] || { echo "no $INTENT_PATCH" >&2; exit 1; }
  git -C "$DIR" apply "$INTENT_PATCH"
  # taken out again however the build ends, so the next plain run sees the library as it is
  trap 'git -C "$DIR" apply -R "$INTENT_PATCH"' EXIT
  local patch=$INTENT_PATCH
  log "applied $patch"
  findings "$NAME-intent"
}

case $MODE in
  checkout) checkout;;
  config)   need_tree; config;;
  prefetch) need_tree; config; lock; restore without-ld;;
  restore)  need_tree; config; lock; clear_cache; restore with-ld;;
  findings) need_tree; config; lock; clear_cache; restore with-ld; findings;;
  intent)   need_tree; config; lock; clear_cache; restore with-ld; intent;;
  time)     need_tree; config; lock; clear_cache; restore with-ld; timing;;
  *) usage;;
esac
