package org.jsfu.server;

import ch.qos.logback.classic.Level;
import java.util.concurrent.CountDownLatch;
import org.jsfu.conf.ConfigException;
import org.jsfu.conf.ConfigLoader;
import org.jsfu.conf.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar server/target/jsfu-server.jar [--dev] [--config livekit.yaml] ...}. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (ConfigLoader.wantsHelp(args)) {
            System.out.print(ConfigLoader.usage());
            return;
        }
        ServerConfig cfg;
        org.jsfu.conf.EgressConfig egress;
        try {
            cfg = ConfigLoader.load(args, System.getenv());
            egress = EgressSetup.load(System.getenv());
        } catch (ConfigException e) {
            System.err.println("config error: " + e.getMessage() + " (--help lists the flags)");
            System.exit(2);
            return;
        }
        applyLogLevel(cfg.logging().level());
        cfg.warnings().forEach(w -> log.warn("config warning: {}", w));
        JsfuServer server;
        try {
            server = JsfuServer.start(cfg, egress);
        } catch (Exception e) {
            log.error("cannot start: {}", e.toString());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    private static void applyLogLevel(String level) {
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger lb) {
            lb.setLevel(Level.toLevel(level, Level.INFO));
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
        }
    }
}
