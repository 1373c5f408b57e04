package org.opencrm.platform.web;

import java.util.ArrayList;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;

/**
 * Page parameters from a list request, bounded: a client cannot ask for a page so large it loads a whole
 * collection. Out-of-range values answer 400 naming the parameter rather than being silently clamped, so a
 * client never mistakes a clamped page for the end of the data.
 */
public final class PageRequests {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 200;

    private PageRequests() {}

    /** {@code page} (0-based, default 0) and {@code size} (default {@value #DEFAULT_SIZE}, at most {@value #MAX_SIZE}). */
    public static PageRequest of(Integer page, Integer size) {
        return of(page, size, Sort.unsorted());
    }

    public static PageRequest of(Integer page, Integer size, Sort sort) {
        int p = page == null ? 0 : page;
        int s = size == null ? DEFAULT_SIZE : size;
        var errors = new ArrayList<FieldViolation>();
        if (p < 0) {
            errors.add(new FieldViolation("page", "must be 0 or more"));
        }
        if (s < 1 || s > MAX_SIZE) {
            errors.add(new FieldViolation("size", "must be between 1 and " + MAX_SIZE));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return PageRequest.of(p, s, sort);
    }
}
