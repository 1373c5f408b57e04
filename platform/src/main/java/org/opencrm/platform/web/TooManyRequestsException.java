package org.opencrm.platform.web;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.ErrorResponseException;

/** 429: the caller is over a limit; {@code Retry-After} says in how many seconds to try again. */
public class TooManyRequestsException extends ErrorResponseException {

    public TooManyRequestsException(String detail, Duration retryAfter) {
        super(ProblemType.TOO_MANY_REQUESTS.status(), ProblemType.TOO_MANY_REQUESTS.problem(detail), null);
        // Whole seconds, rounded up: Retry-After: 0 would invite an immediate retry.
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    }
}
