package org.jsfu.core.room;

/** One entry of speakers_changed: participant sid, level 0..1, active. */
public record SpeakerInfo(String sid, float level, boolean active) {
}
