package org.opencrm.analytics.rebuild;

import java.time.Instant;
import java.util.Date;
import org.bson.Document;
import org.opencrm.analytics.projection.ProjectionPointer;

/**
 * What a caller sees of the projection versions and the last rebuild.
 *
 * @param currentVersion the version queries answer from
 * @param buildingVersion the version being built, or null
 * @param rebuildNeeded the current version was built by an earlier version of the service, in a layout this one
 *     cannot read ({@link ProjectionPointer#FORMAT}): the reports answer 503 until a rebuild completes
 * @param rebuild the last rebuild, or null before the first
 */
public record RebuildStatus(int currentVersion, Integer buildingVersion, boolean rebuildNeeded, Rebuild rebuild) {

    /**
     * @param state {@code RUNNING}, {@code COMPLETED} or {@code FAILED}
     * @param requestedBy the user who started it, when the caller is of that user's tenant; else null
     * @param progress share of the topics' records replayed so far, 0 to 1; null until the replay knows its end
     * @param error why it failed, in words for the client (details are in the service log)
     */
    public record Rebuild(
            int version,
            String state,
            String requestedBy,
            Instant startedAt,
            Instant finishedAt,
            Double progress,
            String error) {}

    /**
     * The projections are the installation's, so every tenant's administrator sees the same rebuild; who
     * started it is a user id of one tenant and is shown to that tenant only.
     */
    static RebuildStatus of(ProjectionPointer.State pointer, Document rebuild, String callerTenant) {
        return new RebuildStatus(
                pointer.current(),
                pointer.building(),
                pointer.currentFormat() != ProjectionPointer.FORMAT,
                rebuild == null ? null : rebuild(rebuild, callerTenant));
    }

    private static Rebuild rebuild(Document status, String callerTenant) {
        Number replayed = status.get("replayed", Number.class);
        Number total = status.get("total", Number.class);
        Double progress = total == null
                ? null
                : total.longValue() == 0 ? 1.0 : Math.min(1.0, replayed.doubleValue() / total.doubleValue());
        return new Rebuild(
                status.getInteger("version"),
                status.getString("state"),
                callerTenant.equals(status.getString("requestedByTenant")) ? status.getString("requestedBy") : null,
                instant(status.getDate("startedAt")),
                instant(status.getDate("finishedAt")),
                progress,
                status.getString("error"));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
