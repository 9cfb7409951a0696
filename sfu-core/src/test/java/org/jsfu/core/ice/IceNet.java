package org.jsfu.core.ice;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * An in-memory network of our ICE agents for tests: each {@link Node} is an {@link IceAgent}
 * (responder) plus, for a full agent, an {@link IceChecklist}, wired the way PeerTransport wires
 * them. Datagrams are delayed by 5 ms and lost with a seeded probability.
 */
final class IceNet {
    static final long HOST_PRIORITY = IceCandidates.priority(IceCandidates.TYPE_PREF_HOST, 65535, 1);
    static final String BASE = "base";

    private record Datagram(long atMs, long seq, InetSocketAddress from, InetSocketAddress to, byte[] bytes) { }

    final Random loss;
    double lossRate;
    long nowMs;
    private long seq;
    private final PriorityQueue<Datagram> inFlight = new PriorityQueue<>(
            (a, b) -> a.atMs != b.atMs ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
    private final List<Node> nodes = new ArrayList<>();

    IceNet(long seed, double lossRate) {
        this.loss = new Random(seed);
        this.lossRate = lossRate;
    }

    final class Node {
        final InetSocketAddress addr;
        final IceCredentials cred;
        final IceRole role;
        final IceAgent agent;
        final IceChecklist<String> checks;
        final byte[] out = new byte[1500];
        int requestsSent;
        /** A tick-driven owner polls every this many ms (from the time it is set); 0: every step of {@link #run}. */
        long pollPeriodMs;
        private long nextPollAtMs;
        /** Polls right after answering a check too, as PeerTransport does (off the tick). */
        boolean pollOnRequest;
        /** When each request left (checks, retransmissions, consent). */
        final List<Long> sentAtMs = new ArrayList<>();

        Node(InetSocketAddress addr, IceCredentials cred, IceRole role, long seed, boolean checking) {
            this.addr = addr;
            this.cred = cred;
            this.role = role;
            this.agent = new IceAgent(cred, role, null, null, IceAgent.DEFAULT_CONSENT_TIMEOUT_MS);
            this.checks = role.isLite() || !checking ? null : new IceChecklist<>(cred, role, new Random(seed));
        }

        void remote(Node peer) {
            agent.setRemoteCredentials(peer.cred.ufrag(), peer.cred.pwd());
            if (checks != null) checks.setRemoteCredentials(peer.cred.ufrag(), peer.cred.pwd());
        }

        /** The peer's candidate from its SDP. */
        void knows(Node peer) {
            checks.addCandidate(BASE, peer.addr, HOST_PRIORITY, HOST_PRIORITY);
        }

        void receive(byte[] d, InetSocketAddress from) {
            if ((d[0] & 0x01) == 0x01) {
                if (checks != null) checks.onResponse(StunMessage.parse(d, 0, d.length), BASE, from, nowMs);
                return;
            }
            int n = agent.handleStun(d, 0, d.length, from, nowMs, out);
            if (n <= 0) return;
            byte[] resp = Arrays.copyOf(out, n);
            boolean success = StunMessage.parse(resp, 0, n).type() == StunMessage.BINDING_SUCCESS;
            if (success && checks != null) {
                checks.onRequest(BASE, from, HOST_PRIORITY, agent.lastCheckPriority(), agent.lastCheckNominated(), nowMs);
            }
            send(addr, from, resp);
            if (success && pollOnRequest) pollNow();
        }

        void poll() {
            if (pollPeriodMs == 0) {
                pollNow();
            } else if (nowMs >= nextPollAtMs) {
                nextPollAtMs = nowMs + pollPeriodMs;
                pollNow();
            }
        }

        void pollNow() {
            if (checks == null) return;
            for (int n; (n = checks.poll(nowMs, out)) > 0; ) {
                requestsSent++;
                sentAtMs.add(nowMs);
                send(addr, checks.polledRemote(), Arrays.copyOf(out, n));
            }
        }
    }

    Node node(String ip, int port, String ufrag, IceRole role) {
        return node(ip, port, ufrag, role, true);
    }

    /** A full agent that only answers checks (its nominations are driven by the test). */
    Node responder(String ip, int port, String ufrag, IceRole role) {
        return node(ip, port, ufrag, role, false);
    }

    private Node node(String ip, int port, String ufrag, IceRole role, boolean checking) {
        try {
            Node n = new Node(new InetSocketAddress(InetAddress.getByName(ip), port),
                    new IceCredentials(ufrag, ufrag + "password0123456789abcdc"), role, port, checking);
            nodes.add(n);
            return n;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void send(InetSocketAddress from, InetSocketAddress to, byte[] d) {
        if (loss.nextDouble() < lossRate) return;
        inFlight.add(new Datagram(nowMs + 5, seq++, from, to, d));
    }

    /** Advances simulated time in 5 ms steps, delivering datagrams and polling every full agent. */
    void run(long durationMs) {
        long end = nowMs + durationMs;
        while (nowMs < end) {
            for (Node n : nodes) n.poll();
            for (Datagram d; (d = inFlight.peek()) != null && d.atMs <= nowMs; ) {
                inFlight.poll();
                for (Node n : nodes) {
                    if (n.addr.equals(d.to)) n.receive(d.bytes, d.from);
                }
            }
            nowMs += 5;
        }
    }
}
