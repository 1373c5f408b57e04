package org.opencrm.platform.web;

import org.springframework.web.ErrorResponseException;

/** 413: the request body is larger than the service accepts ({@code crm.web.max-body-size}). */
public class PayloadTooLargeException extends ErrorResponseException {

    public PayloadTooLargeException(long maxBytes) {
        super(
                ProblemType.PAYLOAD_TOO_LARGE.status(),
                ProblemType.PAYLOAD_TOO_LARGE.problem("The request body is larger than " + maxBytes + " bytes."),
                null);
        getBody().setProperty("maxBytes", maxBytes);
    }
}
