package org.jsfu.conf;

/** Bad configuration: one message that names the offending key, flag, env var or file. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
