package org.jsfu.core.media;

/** Where a peer connection's RTCP goes: encrypts in place (the buffer has TAG_ROOM spare) and sends. */
interface RtcpOut {
    void sendRtcp(byte[] b, int off, int len);
}
