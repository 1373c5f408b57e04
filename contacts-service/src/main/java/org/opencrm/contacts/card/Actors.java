package org.opencrm.contacts.card;

import org.opencrm.events.Actor;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;

final class Actors {

    private Actors() {}

    static Actor of(CurrentUser user) {
        return user.hasRole(Role.INTEGRATION) ? Actor.integration(user.userId()) : Actor.user(user.userId());
    }
}
