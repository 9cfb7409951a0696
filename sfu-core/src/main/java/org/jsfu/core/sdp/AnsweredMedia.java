package org.jsfu.core.sdp;

import java.util.List;

/** One m-line of the subscriber's answer: accepted (port != 0), direction, codecs it kept, extension ids. */
public record AnsweredMedia(String mid, MediaKind kind, boolean accepted, Direction direction, List<Codec> codecs,
                            HeaderExtensionIds extensionIds) {
    public AnsweredMedia {
        codecs = List.copyOf(codecs);
    }
}
