package org.opencrm.platform.security;

import java.util.Locale;
import java.util.Optional;

/**
 * The roles a token's {@code roles} claim may carry. Each becomes the Spring Security authority
 * {@code ROLE_<name>}, so {@code hasRole('ADMIN')} and {@code @PreAuthorize("hasRole('HEAD')")} work as usual.
 */
public enum Role {
    /** Administers a tenant; sees every record of it. */
    ADMIN,
    /** Heads one or more departments; sees their records. */
    HEAD,
    /** Sales manager; sees own records and unassigned ones in their departments. */
    MANAGER,
    /** Call-centre or back-office operator; sees own records. */
    OPERATOR,
    /** Reads reports; sees the records of their departments. */
    ANALYST,
    /** A machine client (telephony, web forms, imports); sees every record of its tenant. */
    INTEGRATION;

    /** The Spring Security authority for this role. */
    public String authority() {
        return "ROLE_" + name();
    }

    /**
     * The role a claim value names, ignoring case and surrounding blanks; empty for a name this platform
     * does not know, so a new role in the identity provider grants nothing here until it is added.
     */
    static Optional<Role> fromClaim(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
