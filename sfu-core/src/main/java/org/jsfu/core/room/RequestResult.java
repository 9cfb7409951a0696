package org.jsfu.core.room;

/** livekit.RequestResponse.Reason: OK=0, NOT_FOUND=1, NOT_ALLOWED=2, LIMIT_EXCEEDED=3. */
public enum RequestResult { OK, NOT_FOUND, NOT_ALLOWED, LIMIT_EXCEEDED }
