package org.jsfu.core.room;

/** livekit.LeaveRequest.Action: DISCONNECT=0, RESUME=1, RECONNECT=2. */
public enum LeaveAction { DISCONNECT, RESUME, RECONNECT }
