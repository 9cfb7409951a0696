package org.jsfu.core.transport;

import java.lang.reflect.Method;
import java.nio.channels.DatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses how a loop sends UDP datagrams on the NIO backend, once per JVM: batched with one
 * {@code sendmmsg(2)} per drain ({@link MmsgBatch} over {@link ForeignSendmmsg}) when everything it
 * needs is there, else one {@code send} per datagram ({@link UdpMux.Socket#send}). Needs Linux on x86_64
 * or aarch64 (the struct layout {@link MmsgBatch} writes), the JVM flags
 * {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED} (an incubator module
 * cannot be added once the JVM runs, and a manifest cannot add it), and the NIO channel's file
 * descriptor ({@code sun.nio.ch.SelChImpl.getFDVal()}: {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED},
 * which the server jar's manifest carries as {@code Add-Exports}). {@code -Djsfu.rtc.sendmmsg=false}
 * turns it off. The choice is logged once: {@code rtc udp send path=sendmmsg|send reason=...}.
 */
final class NativeSend {
    private static final Logger log = LoggerFactory.getLogger(NativeSend.class);
    static final String MODULE = "jdk.incubator.foreign";
    private static final Method GET_FD = fdMethod();
    /** Null when sendmmsg batches are used, else why not. */
    private static final String UNAVAILABLE = probe();

    private NativeSend() {}

    /** True when loops send with {@code sendmmsg}. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** "sendmmsg" or "send": the path loops take (for the log and tests). */
    static String path() {
        return available() ? "sendmmsg" : "send";
    }

    /**
     * Why {@code sendmmsg} cannot be used from what the platform offers, or null when it can; the
     * native parts (linking, the fd) are checked after this.
     */
    static String unavailableReason(String enabledProperty, String os, String arch, boolean modulePresent) {
        if ("false".equalsIgnoreCase(enabledProperty)) {
            return "disabled";
        }
        if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")
                || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            return "platform";
        }
        return modulePresent ? null : "no_" + MODULE;
    }

    /** A batch for one loop, or null when the NIO send is used. */
    static MmsgBatch newBatchOrNull() {
        return available() ? ForeignSendmmsgLoader.newBatch() : null;
    }

    /** The file descriptor of an IPv4 NIO socket for {@link MmsgBatch}, or -1 when batches are not used. */
    static int fd(DatagramChannel ch) {
        if (!available()) {
            return -1;
        }
        try {
            return (int) GET_FD.invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code <linux/in.h>}: {@code IPPROTO_IP}, {@code IP_MTU_DISCOVER}, {@code IP_PMTUDISC_PROBE}. */
    static final int IPPROTO_IP = 0;
    static final int IP_MTU_DISCOVER = 10;
    static final int IP_PMTUDISC_PROBE = 3;

    /**
     * Sets Don't Fragment on every datagram of the IPv4 socket {@code fd} ({@code IP_PMTUDISC_PROBE}: DF
     * set, the interface's MTU used, ICMP "fragmentation needed" ignored), as browsers do for their media.
     * A datagram with DF is atomic, so its IP identification may be anything (RFC 6864 section 4.1) and
     * Linux writes 0 instead of drawing one from its shared, hashed ID table for each datagram
     * ({@code __ip_select_ident}), which an unconnected socket otherwise pays per datagram: 4-6% of the
     * kernel's send cost here (BENCHMARKS.md, session 14). PROBE rather than DO, so that no forged ICMP can
     * shrink what we may send. The cost: a datagram over the interface MTU is refused ({@code EMSGSIZE}) where
     * the kernel used to fragment it. Browsers' and LiveKit SDKs' RTP is at most ~1,200 bytes, ~1,250 on the
     * wire once forwarded (our extensions, the SRTP tag, IP and UDP headers); DTLS and SCTP are cut at 1,200. A
     * larger publisher packet would be dropped at forwarding, counted and logged once per loop
     * ({@link MmsgBatch#oversize()}). False when the option could not be set (the socket then works as before).
     */
    static boolean dontFragment(int fd) {
        return available() && fd >= 0
                && ForeignSendmmsgLoader.setIntOption(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE);
    }

    private static Method fdMethod() {
        try {
            return Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String probe() {
        String reason = unavailableReason(System.getProperty("jsfu.rtc.sendmmsg"), System.getProperty("os.name"),
                System.getProperty("os.arch"), ModuleLayer.boot().findModule(MODULE).isPresent());
        if (reason == null) {
            reason = nativeReason();
        }
        if (reason == null) {
            log.info("rtc udp send path=sendmmsg batch={}", MmsgBatch.SLOTS);
        } else {
            log.info("rtc udp send path=send reason={}", reason);
        }
        return reason;
    }

    /** Links the downcalls and reads a socket's fd once; a failure names the missing JVM flag. */
    private static String nativeReason() {
        try {
            ForeignSendmmsgLoader.load();
        } catch (IllegalCallerException e) {
            return "no_enable_native_access";
        } catch (Throwable e) {
            return "link_failed:" + e.getClass().getSimpleName();
        }
        if (GET_FD == null) {
            return "no_sun_nio_ch";
        }
        try (DatagramChannel ch = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            int fd = (int) GET_FD.invoke(ch);
            return fd >= 0 ? null : "no_fd";
        } catch (IllegalAccessException e) {
            return "no_add_exports_sun_nio_ch";
        } catch (Exception e) {
            return "no_fd:" + e.getClass().getSimpleName();
        }
    }

    /** Touches {@link ForeignSendmmsg} only through reflection, so this class links without the module. */
    private static final class ForeignSendmmsgLoader {
        private static final String CLASS = "org.jsfu.core.transport.ForeignSendmmsg";

        static void load() throws Throwable {
            try {
                Class.forName(CLASS, true, NativeSend.class.getClassLoader());
            } catch (ExceptionInInitializerError e) {
                throw e.getCause();
            }
        }

        static boolean setIntOption(int fd, int level, int name, int value) {
            try {
                return (boolean) Class.forName(CLASS).getDeclaredMethod("setIntOption", int.class, int.class, int.class,
                        int.class).invoke(null, fd, level, name, value);
            } catch (ReflectiveOperationException e) {
                return false;
            }
        }

        static MmsgBatch newBatch() {
            try {
                return (MmsgBatch) Class.forName(CLASS).getDeclaredMethod("newBatch").invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("sendmmsg batch", e);
            }
        }
    }
}
