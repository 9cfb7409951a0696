package org.jsfu.core.room;

/**
 * One simulcast layer a publisher declares (livekit.VideoLayer in AddTrackRequest.layers): its quality
 * (LOW 0, MEDIUM 1, HIGH 2, which is also the layer index the media plane uses) and size.
 */
public record VideoLayer(int quality, int width, int height) {
}
