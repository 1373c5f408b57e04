package org.opencrm.notifications.delivery;

/**
 * A send that was not accepted.
 *
 * @see #code() a short code for the delivery log and events, never exception text (it could carry
 *     addresses)
 */
public class SendFailure extends Exception {

    private final String code;
    private final boolean permanent;
    private final boolean nothingSent;
    private final Integer httpStatus;

    private SendFailure(String code, boolean permanent, boolean nothingSent, Integer httpStatus, Throwable cause) {
        super(code, cause);
        this.code = code;
        this.permanent = permanent;
        this.nothingSent = nothingSent;
        this.httpStatus = httpStatus;
    }

    /** Worth trying again later (server error, timeout). */
    public static SendFailure transientFailure(String code, Integer httpStatus, Throwable cause) {
        return new SendFailure(code, false, false, httpStatus, cause);
    }

    /**
     * The channel could not be reached at all (connection refused): nothing left this service, so an
     * immediate retry cannot double the message.
     */
    public static SendFailure unreachable(String code, Throwable cause) {
        return new SendFailure(code, false, true, null, cause);
    }

    /** Trying again cannot help (the address is refused, the target is not allowed). */
    public static SendFailure permanent(String code, Integer httpStatus, Throwable cause) {
        return new SendFailure(code, true, false, httpStatus, cause);
    }

    public String code() {
        return code;
    }

    public boolean permanent() {
        return permanent;
    }

    public boolean nothingSent() {
        return nothingSent;
    }

    public Integer httpStatus() {
        return httpStatus;
    }
}
