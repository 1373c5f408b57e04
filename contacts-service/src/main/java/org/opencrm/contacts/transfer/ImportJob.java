package org.opencrm.contacts.transfer;

import java.time.Instant;
import java.util.List;
import org.opencrm.contacts.card.ContactImporter;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An import and its checkpoint. After every batch, one conditional write stores how many data rows were
 * consumed ({@code position}) together with the counters and rejections of those rows, so a job taken over
 * after a crash continues at exactly that row, and the counters describe exactly what was stored.
 *
 * @param columns the file's columns in order, each mapped to a card field or null (ignored)
 * @param lockedBy the instance running it; {@code lockedUntil} ends its lease unless renewed
 * @param rejected the first rejected rows with their reasons (capped), {@code rejectedCount} all of them
 */
@Document("contact_imports")
record ImportJob(
        @Id String id,
        String tenantId,
        String createdBy,
        String fileId,
        String fileName,
        List<String> columns,
        ContactImporter.DuplicatePolicy policy,
        String defaultOwnerId,
        String defaultDepartmentId,
        Status status,
        boolean cancelRequested,
        long position,
        long created,
        long merged,
        long skipped,
        long rejectedCount,
        List<ContactImporter.Rejection> rejected,
        String error,
        String lockedBy,
        Instant lockedUntil,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    enum Status {
        QUEUED,
        RUNNING,
        COMPLETED,
        CANCELLED,
        FAILED
    }
}
