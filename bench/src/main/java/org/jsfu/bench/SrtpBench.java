package org.jsfu.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jsfu.core.srtp.SrtpProfile;
import org.jsfu.core.srtp.SrtpSession;

/**
 * Timed microbenchmark of SRTP protect + unprotect for 120-byte payloads (12-byte RTP header), next
 * to bare-JCE baselines measured in the same run. Prints ns/packet (median of rounds) and bytes
 * allocated per packet on the measuring thread.
 *
 * <p>Run: {@code java -cp sfu-core/target/classes:bench/target/classes org.jsfu.bench.SrtpBench [rounds]}
 */
public final class SrtpBench {
    static final int PAYLOAD = 120;
    static final int HDR = 12;
    static volatile long sink;

    public interface Op {
        long run(int i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        run(defaultCases(), rounds, 200_000);
    }

    /** Our sessions for both profiles, then the bare-JCE baselines. */
    public static List<Case> defaultCases() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (SrtpProfile p : SrtpProfile.values()) {
            cases.add(new Case(p + " protect+unprotect", roundTrip(p)));
            cases.add(new Case(p + " protect only", protectOnly(p)));
        }
        cases.add(new Case("baseline: AES-ECB 1 block + HMAC-SHA1(120 B), JCE objects reused", bareJce()));
        cases.add(new Case("baseline: AES/CTR + HMAC-SHA1 re-init per packet (protect)", naiveCtrHmac()));
        cases.add(new Case("baseline: AES/GCM init+AAD+doFinal 120 B (encrypt)", bareGcm()));
        cases.add(new Case("baseline: JCE AES/GCM encrypt + decrypt 120 B, init per packet", jceGcmRoundTrip()));
        return cases;
    }

    /** A named operation; run(i) handles packet number i. */
    public record Case(String name, Op op) {}

    /**
     * Warms every case up, then measures them round-robin (so background load hits all cases alike)
     * and prints a Markdown table: median and minimum ns per packet over the rounds, bytes allocated.
     */
    public static void run(List<Case> cases, int rounds, int iters) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf("java %s (%s), %s, %d cpus, %s%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), java.time.Instant.now());
        int n = cases.size();
        int[] counter = new int[n];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < 3 * iters; i++) sink += cases.get(c).op().run(counter[c]++);
        }
        double[][] ns = new double[n][rounds];
        long[] alloc = new long[n];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < n; c++) {
                Op op = cases.get(c).op();
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int i = 0; i < iters; i++) sink += op.run(counter[c]++);
                ns[c][r] = (System.nanoTime() - t0) / (double) iters;
                alloc[c] += mx.getCurrentThreadAllocatedBytes() - a0;
            }
        }
        System.out.println("| case | ns/packet (median) | min | bytes allocated/packet |");
        System.out.println("|---|---|---|---|");
        for (int c = 0; c < n; c++) {
            Arrays.sort(ns[c]);
            System.out.printf("| %s | %.0f | %.0f | %.1f |%n", cases.get(c).name(), ns[c][rounds / 2], ns[c][0],
                    alloc[c] / (double) ((long) rounds * iters));
        }
    }

    static byte[] template() {
        byte[] b = new byte[HDR + PAYLOAD];
        b[0] = (byte) 0x80;
        b[1] = 111;
        b[8] = 0x12;
        b[9] = 0x34;
        b[10] = 0x56;
        b[11] = 0x78;
        for (int i = HDR; i < b.length; i++) b[i] = (byte) i;
        return b;
    }

    static byte[] key(SrtpProfile p) {
        byte[] k = new byte[p.keyLength()];
        Arrays.fill(k, (byte) 0x42);
        return k;
    }

    static byte[] salt(SrtpProfile p) {
        byte[] s = new byte[p.saltLength()];
        Arrays.fill(s, (byte) 0x17);
        return s;
    }

    static Op roundTrip(SrtpProfile p) {
        SrtpSession tx = SrtpSession.sender(p, key(p), salt(p));
        SrtpSession rx = SrtpSession.receiver(p, key(p), salt(p));
        byte[] plain = template();
        byte[] buf = new byte[1500];
        return i -> {
            System.arraycopy(plain, 0, buf, 0, plain.length);
            buf[2] = (byte) (i >>> 8);
            buf[3] = (byte) i;
            int n = tx.protectRtp(buf, 0, plain.length);
            int m = rx.unprotectRtp(buf, 0, n);
            if (m != plain.length) throw new IllegalStateException("unprotect failed at " + i);
            return m;
        };
    }

    static Op protectOnly(SrtpProfile p) {
        SrtpSession tx = SrtpSession.sender(p, key(p), salt(p));
        byte[] plain = template();
        byte[] buf = new byte[1500];
        return i -> {
            System.arraycopy(plain, 0, buf, 0, plain.length);
            buf[2] = (byte) (i >>> 8);
            buf[3] = (byte) i;
            return tx.protectRtp(buf, 0, plain.length);
        };
    }

    static Op bareJce() throws Exception {
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[16], "AES"));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(new byte[20], "HmacSHA1"));
        byte[] block = new byte[16];
        byte[] out = new byte[16];
        byte[] data = template();
        byte[] tag = new byte[20];
        return i -> {
            block[15] = (byte) i;
            ecb.update(block, 0, 16, out, 0);
            mac.update(data, 0, data.length);
            mac.doFinal(tag, 0);
            return out[0] + tag[0];
        };
    }

    static Op naiveCtrHmac() throws Exception {
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        SecretKeySpec k = new SecretKeySpec(new byte[16], "AES");
        Mac mac = Mac.getInstance("HmacSHA1");
        SecretKeySpec mk = new SecretKeySpec(new byte[20], "HmacSHA1");
        byte[] iv = new byte[16];
        byte[] plain = template();
        byte[] buf = new byte[1500];
        return i -> {
            System.arraycopy(plain, 0, buf, 0, plain.length);
            iv[13] = (byte) i;
            iv[12] = (byte) (i >>> 8);
            ctr.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(iv));
            ctr.doFinal(buf, HDR, PAYLOAD, buf, HDR);
            mac.init(mk);
            mac.update(buf, 0, plain.length);
            mac.doFinal(buf, plain.length);
            return buf[plain.length];
        };
    }

    static Op jceGcmRoundTrip() throws Exception {
        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec k = new SecretKeySpec(new byte[16], "AES");
        byte[] iv = new byte[12];
        byte[] plain = template();
        byte[] wire = new byte[1500];
        byte[] out = new byte[1500];
        return i -> {
            iv[8] = (byte) (i >>> 24);
            iv[9] = (byte) (i >>> 16);
            iv[10] = (byte) (i >>> 8);
            iv[11] = (byte) i;
            enc.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
            enc.updateAAD(plain, 0, HDR);
            int n = enc.doFinal(plain, HDR, PAYLOAD, wire, 0);
            dec.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, iv));
            dec.updateAAD(plain, 0, HDR);
            return dec.doFinal(wire, 0, n, out, 0);
        };
    }

    static Op bareGcm() throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec k = new SecretKeySpec(new byte[16], "AES");
        byte[] iv = new byte[12];
        byte[] plain = template();
        byte[] out = new byte[1500];
        return i -> {
            iv[8] = (byte) (i >>> 24);
            iv[9] = (byte) (i >>> 16);
            iv[10] = (byte) (i >>> 8);
            iv[11] = (byte) i;
            gcm.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv));
            gcm.updateAAD(plain, 0, HDR);
            return gcm.doFinal(plain, HDR, PAYLOAD, out, 0);
        };
    }
}
