package org.jsfu.core.sdp;

/** Negotiated RTP header extension ids (RFC 8285); -1 when the extension was not negotiated. */
public record HeaderExtensionIds(int audioLevel, int mid, int rid, int repairedRid, int transportCc,
                                 int absSendTime, int absCaptureTime, int dependencyDescriptor) {
    public static final HeaderExtensionIds NONE = new HeaderExtensionIds(-1, -1, -1, -1, -1, -1, -1, -1);

    private static int dependencyDescriptorId(MediaSection m) {
        int id = m.extmapId(RtpExtensionUris.DEPENDENCY_DESCRIPTOR);
        return id > 0 ? id : m.extmapId(RtpExtensionUris.DEPENDENCY_DESCRIPTOR_ALT);
    }

    /** Reads the ids from the extmap lines of a media section. */
    public static HeaderExtensionIds of(MediaSection m) {
        return new HeaderExtensionIds(
                m.extmapId(RtpExtensionUris.AUDIO_LEVEL),
                m.extmapId(RtpExtensionUris.MID),
                m.extmapId(RtpExtensionUris.RID),
                m.extmapId(RtpExtensionUris.REPAIRED_RID),
                m.extmapId(RtpExtensionUris.TRANSPORT_CC),
                m.extmapId(RtpExtensionUris.ABS_SEND_TIME),
                m.extmapId(RtpExtensionUris.ABS_CAPTURE_TIME),
                dependencyDescriptorId(m));
    }
}
