package org.jsfu.core.room;

/** What the client said about itself on join (query parameters or JoinRequest.client_info). */
public record ClientInfo(String sdk, String version, int protocol, int clientProtocol, String os,
                         String browser, boolean autoSubscribe, boolean adaptiveStream) {
    public static ClientInfo unknown() {
        return new ClientInfo("", "", 0, 0, "", "", true, false);
    }
}
