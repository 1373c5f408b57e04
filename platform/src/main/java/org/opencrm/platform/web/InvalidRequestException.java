package org.opencrm.platform.web;

import java.util.List;
import org.springframework.web.ErrorResponseException;

/**
 * 400 raised by service code for a rule bean validation cannot express (an unknown pipeline stage, a date range
 * that ends before it starts); the body lists the offending fields like a bean-validation failure does.
 */
public class InvalidRequestException extends ErrorResponseException {

    public InvalidRequestException(List<FieldViolation> errors) {
        super(
                ProblemType.VALIDATION.status(),
                ProblemType.VALIDATION.problem(PlatformExceptionHandler.INVALID_FIELDS),
                null);
        getBody().setProperty(PlatformExceptionHandler.ERRORS, List.copyOf(errors));
    }

    public InvalidRequestException(String field, String message) {
        this(List.of(new FieldViolation(field, message)));
    }
}
