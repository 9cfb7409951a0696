package org.jsfu.signaling.twirp;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A Twirp error: code string and message, mapped to the HTTP status by the Twirp spec. */
public final class TwirpException extends RuntimeException {
    private final String code;

    public TwirpException(String code, String msg) {
        super(msg, null, false, false);
        this.code = code;
    }

    public String code() { return code; }

    public static TwirpException permissionDenied() {
        // LiveKit answers grant failures with unauthenticated "permissions denied"
        return new TwirpException("unauthenticated", "permissions denied");
    }

    public static TwirpException invalid(String msg) {
        return new TwirpException("invalid_argument", msg);
    }

    public HttpResponseStatus status() {
        return switch (code) {
            case "invalid_argument", "malformed", "out_of_range" -> HttpResponseStatus.BAD_REQUEST;
            case "unauthenticated" -> HttpResponseStatus.UNAUTHORIZED;
            case "permission_denied" -> HttpResponseStatus.FORBIDDEN;
            case "not_found", "bad_route" -> HttpResponseStatus.NOT_FOUND;
            case "already_exists", "aborted" -> HttpResponseStatus.CONFLICT;
            case "failed_precondition" -> HttpResponseStatus.PRECONDITION_FAILED;
            case "resource_exhausted" -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case "canceled", "deadline_exceeded" -> HttpResponseStatus.REQUEST_TIMEOUT;
            case "unimplemented" -> HttpResponseStatus.NOT_IMPLEMENTED;
            case "unavailable" -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
