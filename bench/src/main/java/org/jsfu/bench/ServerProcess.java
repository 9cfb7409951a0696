package org.jsfu.bench;

/**
 * Runs {@link InProcessServer} as its own process for {@link LoadBench}, so that the server's CPU
 * time can be read from /proc/&lt;pid&gt;/stat apart from the clients'. Prints one line
 * {@code JSFU_READY ws=<ws base> udp=<port>} and runs until its stdin closes.
 */
public final class ServerProcess {
    private ServerProcess() {}

    public static void main(String[] args) throws Exception {
        try (InProcessServer srv = InProcessServer.start()) {
            System.out.println("JSFU_READY ws=" + srv.wsBase() + " udp=" + srv.udpPort);
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin (or die)
            }
        }
        System.exit(0);
    }
}
