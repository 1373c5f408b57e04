package org.opencrm.contacts.card;

import java.util.List;
import java.util.Map;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.ProblemType;

/** 409 {@code duplicate} with {@code existingIds} and, per match, why it matched. */
class DuplicateContactException extends ConflictException {

    DuplicateContactException(List<DuplicateMatch> matches) {
        super(
                ProblemType.DUPLICATE,
                "This card looks like existing cards; see matches. Repeat with allowDuplicate=true to keep both.",
                Map.of(
                        "existingIds",
                        matches.stream().map(DuplicateMatch::contactId).toList(),
                        "matches",
                        matches));
    }
}
