package org.bloodcells.infra.child;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Main class of the broker's child JVM: formats the KRaft storage (unless a run before this one, stopped and started
 * again, formatted it already), then runs the broker, in one
 * JVM start instead of two. {@code StorageTool.main} would call exit(), so its {@code execute}
 * is used instead.
 *
 * <p>The SCRAM users are written into the storage when it is formatted (the broker's own administrator must exist
 * before the broker can authenticate anyone, itself included); they then live in the metadata log, so a restart on
 * the same data keeps them. Their passwords come from a file readable by its owner only, never the command line.
 *
 * <p>Runs in the child JVM only (it needs the Kafka server jars, which the parent JVM never has).
 */
public final class KafkaNode {

    private KafkaNode() {
    }

    /** @param args cluster id, path of server.properties, path of the SCRAM users file ({@code user=password}) */
    public static void main(String[] args) throws IOException {
        String clusterId = args[0];
        String config = args[1];
        List<String> format = new ArrayList<>(
                List.of("format", "--cluster-id", clusterId, "--config", config, "--ignore-formatted"));
        Properties users = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[2]))) {
            users.load(in);
        }
        for (String user : users.stringPropertyNames()) {
            format.add("--add-scram");
            format.add("SCRAM-SHA-512=[name=" + user + ",password=" + users.getProperty(user) + "]");
        }
        PrintStream out = System.out;
        int formatted = kafka.tools.StorageTool.execute(format.toArray(String[]::new), out);
        if (formatted != 0) {
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }
}
