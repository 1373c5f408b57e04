package org.opencrm.platform.security;

/**
 * How much of a tenant a user sees, widest first. Each scope contains the ones after it, so a user with
 * several roles gets the widest of them.
 */
public enum VisibilityScope {
    /** Every record of the tenant: ADMIN, INTEGRATION. */
    TENANT,
    /** Own records and every record of the user's departments: HEAD, ANALYST. */
    DEPARTMENTS,
    /** Own records and unassigned records (no owner) of the user's departments: MANAGER. */
    OWN_AND_UNASSIGNED,
    /** Own records only: OPERATOR. */
    OWN,
    /** Nothing: a token without any known role. */
    NONE;

    static VisibilityScope of(Role role) {
        return switch (role) {
            case ADMIN, INTEGRATION -> TENANT;
            case HEAD, ANALYST -> DEPARTMENTS;
            case MANAGER -> OWN_AND_UNASSIGNED;
            case OPERATOR -> OWN;
        };
    }
}
