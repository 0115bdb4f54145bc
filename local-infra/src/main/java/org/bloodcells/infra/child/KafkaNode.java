package org.bloodcells.infra.child;

import java.io.PrintStream;

/**
 * Main class of the broker's child JVM: formats the KRaft storage (unless a run before this one, stopped and started
 * again, formatted it already), then runs the broker, in one
 * JVM start instead of two. {@code StorageTool.main} would call exit(), so its {@code execute}
 * is used instead.
 *
 * <p>Runs in the child JVM only (it needs the Kafka server jars, which the parent JVM never has).
 */
public final class KafkaNode {

    private KafkaNode() {
    }

    /** @param args cluster id, path of server.properties */
    public static void main(String[] args) {
        String clusterId = args[0];
        String config = args[1];
        PrintStream out = System.out;
        int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "--cluster-id", clusterId, "--config", config, "--ignore-formatted"}, out);
        if (formatted != 0) {
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }
}
