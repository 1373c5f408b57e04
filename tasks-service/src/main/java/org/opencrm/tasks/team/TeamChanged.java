package org.opencrm.tasks.team;

/** Published in this JVM after a team was saved, so work that depends on the roster can follow at once. */
public record TeamChanged(String tenantId, String teamId) {}
