package org.opencrm.platform.web;

import org.springframework.web.ErrorResponseException;

/** 428: the endpoint only accepts conditional updates and the request had no {@code If-Match}. */
public class PreconditionRequiredException extends ErrorResponseException {

    public PreconditionRequiredException(String detail) {
        super(ProblemType.PRECONDITION_REQUIRED.status(), ProblemType.PRECONDITION_REQUIRED.problem(detail), null);
    }
}
