package org.bloodcells.infra.child;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every child JVM: runs the real main class given as first argument, and exits
 * once stdin reaches end-of-file. The parent holds the write end of that pipe, so the child
 * goes away even when the parent is killed with SIGKILL and gets no chance to stop it.
 *
 * <p>Runs in the child JVM only; its class file is copied next to the child's classpath, which
 * is why it must stay one self-contained class (no nested classes).
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        Thread watch = new Thread(ParentWatch::exitWhenParentIsGone, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void exitWhenParentIsGone() {
        try {
            while (System.in.read() != -1) {
                // The parent never writes; any byte is ignored.
            }
        } catch (IOException parentGone) {
            // A broken pipe means the same as end-of-file.
        }
        // exit (not halt) so that the server's own shutdown hook still runs.
        System.exit(0);
    }
}
