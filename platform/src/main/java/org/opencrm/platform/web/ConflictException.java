package org.opencrm.platform.web;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.web.ErrorResponseException;

/**
 * 409: the request contradicts the current state. Extra properties become members of the problem body, so a
 * client can act on them without parsing the detail.
 */
public class ConflictException extends ErrorResponseException {

    public ConflictException(String detail) {
        this(ProblemType.CONFLICT, detail, Map.of());
    }

    public ConflictException(String detail, Map<String, ?> properties) {
        this(ProblemType.CONFLICT, detail, properties);
    }

    protected ConflictException(ProblemType type, String detail, Map<String, ?> properties) {
        super(type.status(), type.problem(detail), null);
        properties.forEach(getBody()::setProperty);
    }

    /**
     * A create or update that would duplicate existing records (same e-mail, same phone, ...):
     * {@code type} duplicate, {@code existingIds} the records it collides with.
     */
    public static ConflictException duplicate(String detail, Collection<String> existingIds) {
        return new ConflictException(ProblemType.DUPLICATE, detail, Map.of("existingIds", List.copyOf(existingIds)));
    }
}
