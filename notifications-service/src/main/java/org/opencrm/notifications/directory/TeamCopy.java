package org.opencrm.notifications.directory;

import java.util.List;
import org.opencrm.events.teams.TeamMember;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** The local copy of a team from its latest TeamUpdated; {@code _id} is {@code tenant:teamId}. */
@Document(TeamCopy.COLLECTION)
record TeamCopy(
        @Id String id,
        String tenantId,
        String teamId,
        String name,
        boolean active,
        List<String> headUserIds,
        List<TeamMember> members,
        long sourceVersion) {

    static final String COLLECTION = "teams";

    static String idOf(String tenantId, String teamId) {
        return tenantId + ":" + teamId;
    }
}
