package org.opencrm.events;

/**
 * Who caused an event: a user (by id, never by name: events reach analytics, which holds no personal
 * data), an integration (by client id) or the system itself (by component name).
 */
public record Actor(@Required Kind kind, @Required String id) {

    public enum Kind {
        USER,
        INTEGRATION,
        SYSTEM
    }

    public static Actor user(String userId) {
        return new Actor(Kind.USER, userId);
    }

    public static Actor integration(String clientId) {
        return new Actor(Kind.INTEGRATION, clientId);
    }

    public static Actor system(String component) {
        return new Actor(Kind.SYSTEM, component);
    }
}
