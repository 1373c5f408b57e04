package org.opencrm.contacts.card;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A read of a card that was merged away: 308 Permanent Redirect to the survivor ({@code Location}) with a
 * problem body carrying {@code survivorId}, so a client that follows redirects lands on the survivor and one
 * that does not can still read where to go. 308 keeps the method, so a PATCH is redirected as a PATCH.
 */
class ContactMergedException extends ErrorResponseException {

    static final URI TYPE = URI.create("https://opencrm.org/problems/contact-merged");

    ContactMergedException(String id, String survivorId) {
        super(HttpStatus.PERMANENT_REDIRECT, problem(id, survivorId), null);
        getHeaders().setLocation(URI.create("/api/contacts/" + survivorId));
    }

    private static ProblemDetail problem(String id, String survivorId) {
        var problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.PERMANENT_REDIRECT, "Card " + id + " was merged into " + survivorId + ".");
        problem.setType(TYPE);
        problem.setTitle("Card merged");
        problem.setProperty("survivorId", survivorId);
        return problem;
    }
}
