package org.jsfu.egress;

/** livekit.EgressStatus, the subset a track egress goes through (ordinals are not the proto numbers). */
public enum EgressStatus {
    STARTING, ACTIVE, ENDING, COMPLETE, FAILED, ABORTED;

    public boolean terminal() {
        return this == COMPLETE || this == FAILED || this == ABORTED;
    }
}
