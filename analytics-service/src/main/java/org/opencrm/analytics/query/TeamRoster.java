package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

/** The user ids of each team (department) of a tenant, from the team facts, for one request. */
final class TeamRoster {

    private final Map<String, List<String>> membersByDepartment = new HashMap<>();

    /**
     * {@link #membersOf} per set of departments (the request's own sets): a report asks it for every rollup entry it
     * reads, and building the set each time was a fifth of the activity report's time at 1,000,000 deals.
     */
    private final Map<Set<String>, Set<String>> membersOfDepartments = new HashMap<>();

    private TeamRoster() {}

    static TeamRoster load(MongoTemplate mongo, ProjectionCollections facts, String tenantId) {
        var roster = new TeamRoster();
        for (Document team : mongo.find(new Query(where("tenantId").is(tenantId)), Document.class, facts.teams())) {
            roster.membersByDepartment.put(
                    team.getString("departmentId"), team.getList("memberIds", String.class, List.of()));
        }
        return roster;
    }

    /** The members of these departments (not to be changed by the caller). */
    Set<String> membersOf(Set<String> departments) {
        return membersOfDepartments.computeIfAbsent(departments, these -> {
            Set<String> members = new LinkedHashSet<>();
            these.forEach(d -> members.addAll(membersByDepartment.getOrDefault(d, List.of())));
            return Collections.unmodifiableSet(members);
        });
    }
}
