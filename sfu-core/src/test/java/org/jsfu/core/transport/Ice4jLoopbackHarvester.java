package org.jsfu.core.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import org.ice4j.Transport;
import org.ice4j.ice.Component;
import org.ice4j.ice.ComponentSocket;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * One UDP host candidate on 127.0.0.1 (ephemeral port) for an ice4j agent. ice4j's own
 * HostCandidateHarvester skips loopback interfaces, so a loopback test needs this; it registers the
 * candidate the way that harvester does: with the agent's STUN stack and the component socket.
 */
final class Ice4jLoopbackHarvester implements CandidateHarvester {
    private final HarvestStatistics stats = new HarvestStatistics();

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        try {
            IceUdpSocketWrapper socket = new IceUdpSocketWrapper(
                    new MultiplexingDatagramSocket(new InetSocketAddress(TransportRig.LO, 0)));
            HostCandidate candidate = new HostCandidate(socket, component, Transport.UDP);
            component.addLocalCandidate(candidate);
            candidate.getStunStack().addSocket(candidate.getStunSocket(null));
            ComponentSocket merged = component.getComponentSocket();
            if (merged != null) {
                merged.add(socket);
            }
            return List.of(candidate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return stats;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }
}
