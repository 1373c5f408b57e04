package org.opencrm.contacts.transfer;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import jakarta.annotation.PreDestroy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.opencrm.contacts.card.ContactImporter;
import org.opencrm.events.Actor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs import jobs. An instance claims a job with a lease (a conditional write on the job document), so two
 * instances never run one job; every checkpoint renews the lease and is conditional on still holding it and
 * on the position it started from. A job whose instance died is taken over when its lease runs out and
 * continues after the last checkpoint; the rows of the batch that was under way are processed again, which
 * stores nothing twice ({@link ContactImporter}).
 */
@Component
class ImportRunner {

    static final int MAX_FIELD = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);

    private final MongoTemplate mongo;
    private final ImportFiles files;
    private final ContactImporter importer;
    private final ImportProperties properties;
    private final String instance = UUID.randomUUID().toString();
    private final ExecutorService executor;
    private final Semaphore slots;

    ImportRunner(MongoTemplate mongo, ImportFiles files, ContactImporter importer, ImportProperties properties) {
        this.mongo = mongo;
        this.files = files;
        this.importer = importer;
        this.properties = properties;
        this.executor = Executors.newFixedThreadPool(
                properties.threads() + 1,
                Thread.ofPlatform().name("contact-import-", 0).daemon(true).factory());
        this.slots = new Semaphore(properties.threads());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** Looks for work now instead of at the next poll (after an upload). */
    void nudge() {
        executor.execute(this::poll);
    }

    @Scheduled(fixedDelayString = "${crm.contacts.import.poll-interval:1s}")
    void poll() {
        while (slots.tryAcquire()) {
            ImportJob job;
            try {
                job = claim();
            } catch (RuntimeException e) {
                slots.release();
                throw e;
            }
            if (job == null) {
                slots.release();
                return;
            }
            executor.execute(() -> {
                try {
                    run(job);
                } finally {
                    slots.release();
                }
            });
        }
    }

    /** A queued job, or a running one whose lease ran out, now leased to this instance. */
    ImportJob claim() {
        Instant now = Instant.now();
        var query = new Query(new Criteria()
                        .andOperator(
                                where("status").in(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
                                new Criteria()
                                        .orOperator(
                                                where("lockedUntil").is(null),
                                                where("lockedUntil").lt(now))))
                .with(Sort.by("createdAt"));
        var update = new Update()
                .set("status", ImportJob.Status.RUNNING)
                .set("lockedBy", instance)
                .set("lockedUntil", now.plus(properties.lease()));
        var job = mongo.findAndModify(
                query, update, FindAndModifyOptions.options().returnNew(true), ImportJob.class);
        if (job != null && job.startedAt() == null) {
            mongo.updateFirst(
                    new Query(where("_id").is(job.id())), new Update().set("startedAt", now), ImportJob.class);
        }
        return job;
    }

    void run(ImportJob job) {
        try {
            process(job);
        } catch (LeaseLost lost) {
            log.warn("import {} was taken over by another instance", job.id());
        } catch (RuntimeException | IOException e) {
            log.error("import {} failed", job.id(), e);
            finish(
                    job.id(),
                    ImportJob.Status.FAILED,
                    "the file could not be processed: " + e.getClass().getSimpleName());
        }
    }

    private void process(ImportJob job) throws IOException {
        if (job.cancelRequested()) {
            finish(job.id(), ImportJob.Status.CANCELLED, null);
            return;
        }
        var settings = new ContactImporter.Settings(
                job.tenantId(),
                job.id(),
                job.policy(),
                job.defaultOwnerId(),
                job.defaultDepartmentId(),
                Actor.user(job.createdBy()));
        var state = new Progress(job);
        try (var reader = new BufferedReader(
                new InputStreamReader(files.open(job.fileId()), StandardCharsets.UTF_8), 256 * 1024)) {
            var csv = new CsvReader(reader, MAX_FIELD);
            var header = csv.next();
            int columns = header == null ? 0 : header.fields().size();
            for (long skip = 0; skip < job.position(); skip++) {
                csv.next();
            }
            while (true) {
                var rows = new ArrayList<ContactImporter.Row>();
                var unreadable = new ArrayList<ContactImporter.Rejection>();
                int consumed = 0;
                CsvReader.Row row;
                while (consumed < properties.batchSize() && (row = csv.next()) != null) {
                    consumed++;
                    if (row.error() != null) {
                        unreadable.add(new ContactImporter.Rejection(row.line(), row.error()));
                    } else if (row.fields().size() > columns) {
                        unreadable.add(new ContactImporter.Rejection(
                                row.line(), "has " + row.fields().size() + " fields, the header " + columns));
                    } else {
                        rows.add(new ContactImporter.Row(row.line(), values(job.columns(), row.fields())));
                    }
                }
                if (consumed == 0) {
                    break;
                }
                var result = importer.importBatch(settings, rows);
                var rejected = new ArrayList<>(unreadable);
                rejected.addAll(result.rejected());
                rejected.sort(java.util.Comparator.comparingLong(ContactImporter.Rejection::line));
                if (state.checkpoint(consumed, result, rejected)) {
                    finish(job.id(), ImportJob.Status.CANCELLED, null);
                    return;
                }
            }
        }
        finish(job.id(), ImportJob.Status.COMPLETED, null);
    }

    private static LinkedHashMap<String, String> values(List<String> fields, List<String> cells) {
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < cells.size() && i < fields.size(); i++) {
            if (fields.get(i) != null) {
                values.put(fields.get(i), cells.get(i));
            }
        }
        return values;
    }

    private void finish(String jobId, ImportJob.Status status, String error) {
        var done = mongo.findAndModify(
                new Query(where("_id").is(jobId).and("lockedBy").is(instance)),
                new Update()
                        .set("status", status)
                        .set("error", error)
                        .set("finishedAt", Instant.now())
                        .unset("lockedBy")
                        .unset("lockedUntil"),
                FindAndModifyOptions.options().returnNew(true),
                ImportJob.class);
        if (done != null) {
            files.delete(done.fileId());
        }
    }

    /** Thrown when a checkpoint finds the job leased to another instance: this one stops at once. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    /** The counters as of the last checkpoint, and the write that advances them. */
    private final class Progress {

        private final String jobId;
        private long position;
        private long created;
        private long merged;
        private long skipped;
        private long rejectedCount;
        private final List<ContactImporter.Rejection> rejected;

        Progress(ImportJob job) {
            this.jobId = job.id();
            this.position = job.position();
            this.created = job.created();
            this.merged = job.merged();
            this.skipped = job.skipped();
            this.rejectedCount = job.rejectedCount();
            this.rejected = new ArrayList<>(job.rejected() == null ? List.of() : job.rejected());
        }

        /**
         * Stores the batch's counters with the new position, renewing the lease.
         *
         * @return whether a cancel was requested meanwhile
         */
        boolean checkpoint(int consumed, ContactImporter.BatchResult result, List<ContactImporter.Rejection> batch) {
            long from = position;
            position += consumed;
            created += result.created();
            merged += result.merged();
            skipped += result.skipped();
            rejectedCount += batch.size();
            for (var rejection : batch) {
                if (rejected.size() < properties.maxRejectionsKept()) {
                    rejected.add(rejection);
                }
            }
            var saved = mongo.findAndModify(
                    new Query(where("_id")
                            .is(jobId)
                            .and("lockedBy")
                            .is(instance)
                            .and("position")
                            .is(from)),
                    new Update()
                            .set("position", position)
                            .set("created", created)
                            .set("merged", merged)
                            .set("skipped", skipped)
                            .set("rejectedCount", rejectedCount)
                            .set("rejected", rejected)
                            .set("lockedUntil", Instant.now().plus(properties.lease())),
                    FindAndModifyOptions.options().returnNew(true),
                    ImportJob.class);
            if (saved == null) {
                throw new LeaseLost();
            }
            return saved.cancelRequested();
        }
    }
}
