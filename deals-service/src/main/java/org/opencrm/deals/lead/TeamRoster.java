package org.opencrm.deals.lead;

import java.time.LocalDate;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A department's team as deals needs it for round-robin assignment. */
@Document(TeamRoster.COLLECTION)
record TeamRoster(@Id String id, String tenantId, String departmentId, boolean active, List<Member> members) {

    static final String COLLECTION = "teams";

    record Member(String userId, List<String> roles, boolean active, LocalDate absentUntil) {}

    static String key(String tenantId, String departmentId) {
        return tenantId + ":" + departmentId;
    }

    /** Managers who take new leads on {@code day}: active, in the rotation and not away. */
    List<String> managersOn(LocalDate day) {
        if (!active || members == null) {
            return List.of();
        }
        return members.stream()
                .filter(Member::active)
                .filter(m -> m.roles() != null && m.roles().stream().anyMatch("MANAGER"::equalsIgnoreCase))
                .filter(m -> m.absentUntil() == null || m.absentUntil().isBefore(day))
                .map(Member::userId)
                .toList();
    }
}
