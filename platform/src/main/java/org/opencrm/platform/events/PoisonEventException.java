package org.opencrm.platform.events;

/**
 * A record that can never be processed, however often it is retried: no CloudEvents type, JSON that does
 * not fit its record, a missing envelope field. The consumer kit sends it to the dead-letter topic at once.
 */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }

    public PoisonEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
