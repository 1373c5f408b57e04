package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.security.VisibilityScope;
import org.springframework.data.mongodb.core.query.Criteria;

/**
 * Whose figures a caller sees. Analytics follows the platform's roles with one difference: a MANAGER (and an
 * OPERATOR) sees only their own figures, not the unassigned records of their departments, because a figure
 * about "nobody's" deals is a department figure. So: ADMIN and INTEGRATION the tenant, HEAD and ANALYST their
 * own figures and their departments', everyone else their own. A MANAGER naming another owner still gets
 * their own figures: the owner filter is replaced, not intersected.
 */
record AnalyticsScope(String tenantId, Kind kind, String userId, Set<String> departments, Filters filters) {

    enum Kind {
        TENANT,
        DEPARTMENTS,
        OWN,
        NONE
    }

    static AnalyticsScope of(CurrentUser user, Filters filters) {
        VisibilityScope scope = Visibility.scopeOf(user);
        Kind kind = switch (scope) {
            case TENANT -> Kind.TENANT;
            case DEPARTMENTS -> Kind.DEPARTMENTS;
            case OWN_AND_UNASSIGNED, OWN -> Kind.OWN;
            case NONE -> Kind.NONE;
        };
        return new AnalyticsScope(user.tenantId(), kind, user.userId(), user.departments(), filters);
    }

    /** The owner whose figures are asked for: the filter, or the caller when they may see only their own. */
    String effectiveOwner() {
        return kind == Kind.OWN ? userId : filters.ownerId();
    }

    /**
     * Documents of the tenant that the caller may see and that pass the filters, for facts that name an
     * owner and a department (deals, their history).
     */
    Criteria records(String ownerField, String departmentField, String pipelineField) {
        List<Criteria> all = new ArrayList<>();
        all.add(where("tenantId").is(tenantId));
        switch (kind) {
            case TENANT -> {}
            case DEPARTMENTS ->
                all.add(new Criteria()
                        .orOperator(
                                where(ownerField).is(userId),
                                where(departmentField).in(departments)));
            case OWN -> all.add(where(ownerField).is(userId));
            case NONE -> all.add(where(ownerField).in(List.of()));
        }
        if (filters.ownerId() != null && kind != Kind.OWN) {
            all.add(where(ownerField).is(filters.ownerId()));
        }
        if (filters.departmentId() != null) {
            all.add(where(departmentField).is(filters.departmentId()));
        }
        if (filters.pipelineId() != null && pipelineField != null) {
            all.add(where(pipelineField).is(filters.pipelineId()));
        }
        return new Criteria().andOperator(all);
    }

    /** {@link #records} for figures assembled in Java (rollup entries naming an owner, department and pipeline). */
    boolean canSeeRecord(String ownerId, String departmentId, String pipelineId) {
        boolean inScope = switch (kind) {
            case TENANT -> true;
            case DEPARTMENTS -> userId.equals(ownerId) || (departmentId != null && departments.contains(departmentId));
            case OWN -> userId.equals(ownerId);
            case NONE -> false;
        };
        return inScope
                && (filters.ownerId() == null
                        || kind == Kind.OWN
                        || filters.ownerId().equals(ownerId))
                && (filters.departmentId() == null || filters.departmentId().equals(departmentId))
                && (filters.pipelineId() == null || filters.pipelineId().equals(pipelineId));
    }

    /**
     * The same rule for figures per rep (calls, interactions, tasks), whose facts name a user and sometimes a
     * department: a rep belongs to a department when the facts say so or when the team roster lists them.
     *
     * @param members the user ids of the teams of the caller's departments and of the department filter
     */
    Criteria reps(String userField, String departmentField, TeamRoster members) {
        List<Criteria> all = new ArrayList<>();
        all.add(where("tenantId").is(tenantId));
        switch (kind) {
            case TENANT -> {}
            case DEPARTMENTS ->
                all.add(new Criteria()
                        .orOperator(
                                where(userField).is(userId),
                                where(userField).in(members.membersOf(departments)),
                                where(departmentField).in(departments)));
            case OWN -> all.add(where(userField).is(userId));
            case NONE -> all.add(where(userField).in(List.of()));
        }
        if (filters.ownerId() != null && kind != Kind.OWN) {
            all.add(where(userField).is(filters.ownerId()));
        }
        if (filters.departmentId() != null) {
            all.add(new Criteria()
                    .orOperator(
                            where(userField).in(members.membersOf(Set.of(filters.departmentId()))),
                            where(departmentField).is(filters.departmentId())));
        }
        return new Criteria().andOperator(all);
    }

    /** {@link #reps} for figures assembled in Java. */
    boolean canSeeRep(String repId, String departmentId, TeamRoster members) {
        boolean inScope = switch (kind) {
            case TENANT -> true;
            case DEPARTMENTS ->
                userId.equals(repId)
                        || members.membersOf(departments).contains(repId)
                        || (departmentId != null && departments.contains(departmentId));
            case OWN -> userId.equals(repId);
            case NONE -> false;
        };
        if (!inScope) {
            return false;
        }
        if (filters.ownerId() != null && kind != Kind.OWN && !filters.ownerId().equals(repId)) {
            return false;
        }
        return filters.departmentId() == null
                || members.membersOf(Set.of(filters.departmentId())).contains(repId)
                || filters.departmentId().equals(departmentId);
    }
}
