package org.jsfu.core.transport;

/** Prints the send path {@link NativeSend} chose in this JVM (run as a child process by {@link NativeSendTest}). */
public final class NativeSendProbe {
    private NativeSendProbe() {}

    public static void main(String[] args) {
        System.out.println("path=" + NativeSend.path());
    }
}
