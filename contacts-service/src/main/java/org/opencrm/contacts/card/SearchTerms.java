package org.opencrm.contacts.card;

import java.util.LinkedHashSet;
import java.util.Set;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Search terms beyond the card's own fields: phone digits in every dialling form, and for a person the name
 * of the company card they work at (copied at write time; a later rename of the company reaches the
 * person's terms with the person's next change).
 */
@Component
class SearchTerms {

    private final MongoTemplate mongo;

    SearchTerms(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** Checks that {@code companyId} names a company card the user can see. */
    Set<String> checked(ContactData data, CurrentUser user) {
        if (data.companyId() != null) {
            Contact company = mongo.findById(data.companyId(), Contact.class);
            if (company == null
                    || company.kind() != ContactKind.COMPANY
                    || !Visibility.canSee(user, company.getTenantId(), company.ownerId(), company.departmentId())) {
                throw new InvalidRequestException("companyId", "must be the id of a company card you can see");
            }
        }
        return of(data, user.tenantId());
    }

    Set<String> of(ContactData data, String tenantId) {
        var terms = new LinkedHashSet<String>();
        data.phones().forEach(p -> terms.addAll(PhoneNumbers.searchDigits(p.number())));
        if (data.companyId() != null) {
            Contact company = mongo.findById(data.companyId(), Contact.class);
            if (company != null
                    && tenantId.equals(company.getTenantId())
                    && company.data().name() != null) {
                terms.add(Names.lower(company.data().name()));
                terms.add(Names.latin(company.data().name()));
            }
        }
        return terms;
    }
}
