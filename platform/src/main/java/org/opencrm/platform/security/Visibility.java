package org.opencrm.platform.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.data.mongodb.core.query.Criteria;

/**
 * Who sees which record. A record is described by its tenant, its owner (the assigned user, {@code null}
 * when unassigned) and its department ({@code null} when it belongs to none). The rule:
 *
 * <ol>
 *   <li>A record of another tenant is never visible.
 *   <li>Inside the tenant, the user's widest {@link VisibilityScope} decides: ADMIN and INTEGRATION see
 *       everything; HEAD and ANALYST see their own records and every record of their departments; MANAGER
 *       sees own records and unassigned records of their departments; OPERATOR sees own records; a user
 *       with no known role sees nothing.
 * </ol>
 *
 * <p>{@link #canSee} decides for one loaded record; {@link #criteria} scopes a list query the same way, so a
 * page never contains a record a detail request would refuse. A record the user may not see is answered
 * as 404, never 403: its existence is not disclosed.
 */
public final class Visibility {

    private Visibility() {}

    /** The widest scope any of the user's roles grants. */
    public static VisibilityScope scopeOf(CurrentUser user) {
        return user.roles().stream()
                .map(VisibilityScope::of)
                .min(Enum::compareTo)
                .orElse(VisibilityScope.NONE);
    }

    /** Whether the user may see a record of the given tenant, owner and department. */
    public static boolean canSee(CurrentUser user, String tenantId, String ownerId, String departmentId) {
        if (!user.tenantId().equals(tenantId)) {
            return false;
        }
        boolean own = user.userId().equals(ownerId);
        return switch (scopeOf(user)) {
            case TENANT -> true;
            case DEPARTMENTS -> own || user.isIn(departmentId);
            case OWN_AND_UNASSIGNED -> own || (ownerId == null && user.isIn(departmentId));
            case OWN -> own;
            case NONE -> false;
        };
    }

    /** {@link #criteria(CurrentUser, VisibilityFields)} with the default field names. */
    public static Criteria criteria(CurrentUser user) {
        return criteria(user, VisibilityFields.DEFAULT);
    }

    /**
     * A MongoDB criteria matching exactly the documents {@link #canSee} allows; combine it with the query's
     * own criteria through {@code new Criteria().andOperator(Visibility.criteria(user), own)}.
     */
    public static Criteria criteria(CurrentUser user, VisibilityFields fields) {
        Objects.requireNonNull(fields, "fields");
        var tenant = Criteria.where(fields.tenantField()).is(user.tenantId());
        List<Criteria> alternatives = new ArrayList<>();
        var own = Criteria.where(fields.ownerField()).is(user.userId());
        // $in with an empty list matches nothing, which is right for a user without departments.
        var inDepartments = Criteria.where(fields.departmentField()).in(user.departments());
        switch (scopeOf(user)) {
            case TENANT -> {
                return tenant;
            }
            case DEPARTMENTS -> {
                alternatives.add(own);
                alternatives.add(inDepartments);
            }
            case OWN_AND_UNASSIGNED -> {
                alternatives.add(own);
                // {field: null} also matches a document without the field: unassigned either way.
                alternatives.add(new Criteria()
                        .andOperator(Criteria.where(fields.ownerField()).isNull(), inDepartments));
            }
            case OWN -> alternatives.add(own);
            case NONE -> alternatives.add(Criteria.where(fields.ownerField()).in(List.of()));
        }
        return new Criteria().andOperator(tenant, new Criteria().orOperator(alternatives));
    }
}
