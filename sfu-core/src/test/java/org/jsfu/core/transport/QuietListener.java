package org.jsfu.core.transport;

/** A transport listener that ignores everything: for tests that only look at routing, ICE or buffers. */
final class QuietListener implements PeerTransport.Listener {
    @Override
    public void onConnected(PeerTransport t) {}

    @Override
    public void onRtp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {}

    @Override
    public void onRtcp(PeerTransport t, byte[] b, int off, int len, long nowNanos) {}

    @Override
    public void onApplicationData(PeerTransport t, byte[] b, int off, int len) {}

    @Override
    public void onFailed(PeerTransport t, String reason) {}
}
