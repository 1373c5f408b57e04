package org.opencrm.platform.web;

import org.springframework.web.ErrorResponseException;

/**
 * 404: the record does not exist or the caller may not see it; the two are answered alike so a response
 * never discloses that another tenant's or department's record exists.
 */
public class NotFoundException extends ErrorResponseException {

    public NotFoundException(String detail) {
        super(ProblemType.NOT_FOUND.status(), ProblemType.NOT_FOUND.problem(detail), null);
    }

    /** "No deal with id d-42." for {@code of("deal", "d-42")}. */
    public static NotFoundException of(String what, Object id) {
        return new NotFoundException("No " + what + " with id " + id + ".");
    }
}
