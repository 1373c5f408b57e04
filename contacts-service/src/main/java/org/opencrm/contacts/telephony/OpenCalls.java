package org.opencrm.contacts.telephony;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Duration;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Whether a user is on a call with a card right now: the PBX named them as the operator of a call that matched
 * the card and has not ended. PRODUCT.md's operator gets "the caller's card on screen the moment the phone
 * rings" whichever department owns the card, so for the length of that call the card is theirs to read and to
 * log the call on. A call the PBX never ends stops counting after {@code crm.contacts.telephony.open-call-access}.
 */
@Component
public class OpenCalls {

    private final MongoTemplate mongo;
    private final Clock clock;
    private final Duration access;

    OpenCalls(MongoTemplate mongo, @Value("${crm.contacts.telephony.open-call-access:4h}") Duration access) {
        this.mongo = mongo;
        this.clock = Clock.systemUTC();
        this.access = access;
    }

    public boolean onCallWith(CurrentUser user, String tenantId, String contactId) {
        if (!user.tenantId().equals(tenantId)) {
            return false;
        }
        return mongo.exists(
                new Query(where("tenantId")
                        .is(tenantId)
                        .and("operatorId")
                        .is(user.userId())
                        .and("contactIds")
                        .is(contactId)
                        .and("endedAt")
                        .is(null)
                        .and("startedAt")
                        .gt(clock.instant().minus(access))),
                Call.class);
    }
}
