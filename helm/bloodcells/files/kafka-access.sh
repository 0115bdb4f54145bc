#!/bin/sh
# The platform's Kafka topics, users and ACLs: README's least-privilege table ("Credentials, TLS and least
# privilege"), which TopicAccess (events module) spells in code; TopicAccessDocumentationTest holds this file to it.
# Run by the broker's administrator with the apache/kafka image's tools, again at will (each step is idempotent):
# docker-compose's kafka-access step runs it, and so does the Helm chart's Job (kafkaAccess.enabled).
#
# Environment: BOOTSTRAP (host:port), ADMIN_CONFIG (the administrator's client properties file), PARTITIONS (of the
# pipeline's topics), and each user's password: INGEST_KAFKA_PASSWORD, WORKER_KAFKA_PASSWORD, RESULTS_KAFKA_PASSWORD,
# TRAINER_KAFKA_PASSWORD, OBJECT_STORE_KAFKA_PASSWORD (no ',', '[' or ']' in them: kafka-configs' own syntax).
set -eu
bin=${KAFKA_BIN:-/opt/kafka/bin}

topic() { # name partitions [config]
  "$bin/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --create --if-not-exists \
    --topic "$1" --partitions "$2" ${3:+--config "$3"}
}
user() { # name password
  "$bin/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --alter \
    --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[password=$2]"
}
allow() { # user operation topic|group name
  "$bin/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add \
    --allow-principal "User:$1" --operation "$2" "--$3" "$4"
}

# The services may not create topics (the trainer may create the model topics where missing): they are made here.
topic images-uploaded "$PARTITIONS"
topic image-memberships "$PARTITIONS"
topic bucket-notifications "$PARTITIONS"
topic cell-detections "$PARTITIONS"
topic dead-letters "$PARTITIONS"
topic models-promoted 1 cleanup.policy=compact
topic models-rejected 1

user ingest-service "$INGEST_KAFKA_PASSWORD"
user detect-worker "$WORKER_KAFKA_PASSWORD"
user results-service "$RESULTS_KAFKA_PASSWORD"
user trainer "$TRAINER_KAFKA_PASSWORD"
user object-store "$OBJECT_STORE_KAFKA_PASSWORD"

allow ingest-service Read topic bucket-notifications
allow ingest-service Write topic images-uploaded
allow ingest-service Write topic image-memberships
allow ingest-service Read group ingest-service

allow detect-worker Read topic images-uploaded
allow detect-worker Read topic models-promoted
allow detect-worker Write topic cell-detections
allow detect-worker Write topic dead-letters
allow detect-worker Write topic models-rejected
allow detect-worker Read group detect-worker

allow results-service Read topic images-uploaded
allow results-service Read topic image-memberships
allow results-service Read topic cell-detections
allow results-service Read topic models-promoted
allow results-service Read topic dead-letters
allow results-service Write topic dead-letters
allow results-service Write topic images-uploaded
allow results-service Read group results-service

allow trainer Write topic models-promoted
allow trainer Create topic models-promoted
allow trainer Create topic models-rejected

# MinIO's bucket notifications (its Kafka target) come in as this user.
allow object-store Write topic bucket-notifications
