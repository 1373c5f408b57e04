package org.opencrm.platform.web;

import org.springframework.web.ErrorResponseException;

/** 412: the {@code If-Match} the client sent names a version that is no longer current. */
public class PreconditionFailedException extends ErrorResponseException {

    public PreconditionFailedException(String detail) {
        super(ProblemType.PRECONDITION_FAILED.status(), ProblemType.PRECONDITION_FAILED.problem(detail), null);
    }

    /** Also tells the client the current ETag, so it can reload and decide. */
    public PreconditionFailedException(String detail, String currentETag) {
        this(detail);
        getHeaders().setETag(currentETag);
    }
}
