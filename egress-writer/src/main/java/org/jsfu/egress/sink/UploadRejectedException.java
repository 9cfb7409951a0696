package org.jsfu.egress.sink;

import java.io.IOException;

/**
 * The storage refused the upload (S3 answered 4xx other than 408/429: no such bucket, access denied, bad
 * credentials): sending the same request again cannot help, so the egress does not retry it for minutes as it
 * does an outage. Public so the egress can tell the two apart.
 */
public class UploadRejectedException extends IOException {
    public UploadRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
