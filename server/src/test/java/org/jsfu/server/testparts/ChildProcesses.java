package org.jsfu.server.testparts;

import java.util.concurrent.TimeUnit;

/** Stops a child process and everything it started: polite first, then forcibly. */
public final class ChildProcesses {
    private ChildProcesses() {}

    /** Sends SIGTERM to the tree, waits up to graceMs, then SIGKILLs whatever is left. */
    public static void stopTree(Process p, long graceMs) {
        if (p == null) {
            return;
        }
        var descendants = p.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
