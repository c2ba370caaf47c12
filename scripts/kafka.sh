#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft: broker and controller in one process) for
# tests and development, from the jars on Maven Central, run with the machine's Java 17.
#
#   scripts/kafka.sh fetch    download Kafka and its runtime dependencies (Maven) into .tools/kafka
#   scripts/kafka.sh start    format storage if needed, start on 127.0.0.1:$KAFKA_PORT, wait until it answers
#   scripts/kafka.sh stop     stop it
#   scripts/kafka.sh status   say whether it runs
#   scripts/kafka.sh dir      print the folder of its settings, logs, data and pid file
#
# KAFKA_VERSION picks the broker: 3.9.1 by default; CI runs the Kafka suites on it and on 4.4.0
# (KAFKA_VERSION=4.4.0). kafkajs works with both: Kafka 4.0 removed only protocol versions older
# than the ones kafkajs asks for (KIP-896). 4.x logs with log4j2, 3.x with log4j.
set -euo pipefail
cd "$(dirname "$0")/.."

KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HOME_DIR="$PWD/.tools/kafka"
LIBS="$HOME_DIR/libs-$KAFKA_VERSION"
RUN_DIR="$HOME_DIR/run-$KAFKA_VERSION-$KAFKA_PORT"
PID_FILE="$RUN_DIR/kafka.pid"
case "$KAFKA_VERSION" in
  3.*) LOG4J2=false ;;
  *) LOG4J2=true ;;
esac

logging_dependencies() {
  if $LOG4J2; then
    # SLF4J 2 before Kafka's own SLF4J 1.7 (the nearest declaration wins), or the log4j2
    # binding is not found and the broker logs nothing.
    echo '<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>'
    echo '<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.26.1</version></dependency>'
    echo '<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.26.1</version></dependency>'
  else
    echo '<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>'
  fi
}

# Where the broker's log settings are, as the JVM flag its logging library reads.
log_settings() {
  if $LOG4J2; then
    cat > "$RUN_DIR/log4j2.properties" <<LOG
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$RUN_DIR/kafka.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
# The line that says the broker is up.
logger.raft.name=kafka.server.KafkaRaftServer
logger.raft.level=INFO
LOG
    echo "-Dlog4j2.configurationFile=$RUN_DIR/log4j2.properties"
  else
    cat > "$RUN_DIR/log4j.properties" <<LOG
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$RUN_DIR/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
# The line that says the broker is up.
log4j.logger.kafka.server.KafkaRaftServer=INFO
LOG
    echo "-Dlog4j.configuration=file:$RUN_DIR/log4j.properties"
  fi
}

fetch() {
  if [ -f "$LIBS/.complete" ]; then return; fi
  command -v mvn >/dev/null || { echo "kafka.sh: Maven (mvn) is needed to fetch Kafka" >&2; exit 1; }
  mkdir -p "$HOME_DIR"
  cat > "$HOME_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>heard.tools</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    $(logging_dependencies)
  </dependencies>
</project>
POM
  echo "kafka.sh: fetching Apache Kafka $KAFKA_VERSION from Maven Central"
  mvn -q -B -f "$HOME_DIR/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS"
  touch "$LIBS/.complete"
}

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

start() {
  fetch
  if running; then echo "kafka.sh: already running on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PID_FILE"))"; return; fi
  mkdir -p "$RUN_DIR"
  cat > "$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN_DIR/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  local logging
  logging=$(log_settings)
  local cp="$LIBS/*"
  if [ ! -f "$RUN_DIR/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java "$logging" -cp "$cp" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$RUN_DIR/server.properties" >/dev/null
  fi
  : >"$RUN_DIR/kafka.log"
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC "$logging" \
    -cp "$cp" kafka.Kafka "$RUN_DIR/server.properties" >"$RUN_DIR/stdout.log" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 120); do
    if ! running; then echo "kafka.sh: the broker exited; see $RUN_DIR/kafka.log and $RUN_DIR/stdout.log" >&2; tail -20 "$RUN_DIR/stdout.log" >&2; exit 1; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null && grep -q "Kafka Server started" "$RUN_DIR/kafka.log" 2>/dev/null; then
      echo "kafka.sh: Kafka $KAFKA_VERSION answers on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PID_FILE"))"
      return
    fi
    sleep 1
  done
  echo "kafka.sh: the broker did not answer within 120 s; see $RUN_DIR" >&2
  exit 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$PID_FILE")
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "kafka.sh: stopped"
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  dir) echo "$RUN_DIR" ;;
  status) if running; then echo "running on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PID_FILE"))"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: scripts/kafka.sh fetch|start|stop|status|dir" >&2; exit 2 ;;
esac
