package org.opencrm.platform.security;

/**
 * The document fields {@link Visibility#criteria(CurrentUser, VisibilityFields)} filters on, for a
 * collection whose names differ from the defaults ({@link #DEFAULT}), e.g. {@code new
 * VisibilityFields("tenantId", "assigneeId", "departmentId")}.
 */
public record VisibilityFields(String tenantField, String ownerField, String departmentField) {

    public static final VisibilityFields DEFAULT = new VisibilityFields("tenantId", "ownerId", "departmentId");

    public VisibilityFields {
        if (isBlank(tenantField) || isBlank(ownerField) || isBlank(departmentField)) {
            throw new IllegalArgumentException("Visibility field names must not be blank");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
