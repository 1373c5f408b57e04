package org.opencrm.notifications.directory;

import java.time.ZoneId;

/**
 * How to reach an employee, as their team entries say. {@code language} and {@code timeZone} are the
 * tenant's defaults where the team entry names none.
 */
public record UserProfile(
        String tenantId, String userId, String name, String email, String phone, String language, ZoneId timeZone) {}
