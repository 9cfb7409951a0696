package org.jsfu.core.buffer;

/** A source of reusable fixed-size byte buffers. Whoever drops a buffer gives it back. */
public interface BytePool {
    /** A buffer of {@link #bufferSize()} bytes; its content is unspecified. */
    byte[] take();

    /** Gives a buffer taken from this pool back; the caller must not use it afterwards. */
    void give(byte[] b);

    int bufferSize();

    /** Takes minus gives. */
    long outstanding();
}
