package org.opencrm.contacts.transfer;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencrm.contacts.card.ContactImporter;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** CSV imports: upload (stored, then processed by a job), progress, cancel. */
@RestController
@RequestMapping("/api/contacts/imports")
@PreAuthorize("hasAnyRole('ADMIN', 'HEAD', 'MANAGER', 'INTEGRATION')")
class ImportController {

    /**
     * @param mapping CSV column to card field ({@link ContactImporter#FIELDS} or {@code cf.<key>}); without
     *     it, columns named like a field are read as that field (an export reads back as it is)
     */
    record ImportOptions(
            @Size(max = 200) Map<String, String> mapping,
            @NotNull ContactImporter.DuplicatePolicy duplicatePolicy,
            @Size(max = 64) String defaultOwnerId,
            @Size(max = 64) String defaultDepartmentId) {}

    record ImportView(
            String id,
            String fileName,
            ImportJob.Status status,
            ContactImporter.DuplicatePolicy duplicatePolicy,
            List<String> columns,
            long rowsRead,
            long created,
            long merged,
            long skipped,
            long rejected,
            List<ContactImporter.Rejection> rejectedRows,
            boolean cancelRequested,
            String error,
            Instant createdAt,
            Instant startedAt,
            Instant finishedAt) {

        static ImportView of(ImportJob job) {
            return new ImportView(
                    job.id(),
                    job.fileName(),
                    job.status(),
                    job.policy(),
                    job.columns(),
                    job.position(),
                    job.created(),
                    job.merged(),
                    job.skipped(),
                    job.rejectedCount(),
                    job.rejected(),
                    job.cancelRequested(),
                    job.error(),
                    job.createdAt(),
                    job.startedAt(),
                    job.finishedAt());
        }
    }

    private final MongoTemplate mongo;
    private final ImportFiles files;
    private final ImportRunner runner;
    private final ContactImporter importer;

    ImportController(MongoTemplate mongo, ImportFiles files, ImportRunner runner, ContactImporter importer) {
        this.mongo = mongo;
        this.files = files;
        this.runner = runner;
        this.importer = importer;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ImportView> upload(
            @RequestPart("file") MultipartFile file,
            @Valid @RequestPart("options") ImportOptions options,
            CurrentUser user)
            throws IOException {
        if (file.isEmpty()) {
            throw new InvalidRequestException("file", "must not be empty");
        }
        List<String> header;
        try (var reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
            var first = new CsvReader(reader, ImportRunner.MAX_FIELD).next();
            if (first == null || first.error() != null) {
                throw new InvalidRequestException("file", "must start with a header row");
            }
            header = first.fields();
        }
        List<String> columns = columns(header, options.mapping(), user.tenantId());
        String owner = options.defaultOwnerId();
        if (owner == null && !user.hasAnyRole(Role.ADMIN, Role.INTEGRATION)) {
            owner = user.userId();
        }
        String department = options.defaultDepartmentId();
        if (department == null && user.departments().size() == 1) {
            department = user.departments().iterator().next();
        }
        String fileName = file.getOriginalFilename() == null ? "import.csv" : file.getOriginalFilename();
        String fileId;
        try (var content = file.getInputStream()) {
            fileId = files.store(user.tenantId(), fileName, content);
        }
        var job = mongo.insert(new ImportJob(
                UUID.randomUUID().toString(),
                user.tenantId(),
                user.userId(),
                fileId,
                fileName,
                columns,
                options.duplicatePolicy(),
                owner,
                department,
                ImportJob.Status.QUEUED,
                false,
                0,
                0,
                0,
                0,
                0,
                List.of(),
                null,
                null,
                null,
                Instant.now(),
                null,
                null));
        runner.nudge();
        return ResponseEntity.accepted()
                .location(URI.create("/api/contacts/imports/" + job.id()))
                .body(ImportView.of(job));
    }

    @GetMapping
    List<ImportView> recent(CurrentUser user) {
        var query = new Query(where("tenantId").is(user.tenantId()))
                .with(Sort.by(Sort.Direction.DESC, "createdAt"))
                .limit(50);
        return mongo.find(query, ImportJob.class).stream()
                .filter(job -> mayRead(job, user))
                .map(ImportView::of)
                .toList();
    }

    @GetMapping("/{id}")
    ImportView get(@PathVariable String id, CurrentUser user) {
        return ImportView.of(load(id, user));
    }

    /**
     * Stops the job after the batch it is working on; what was stored stays and the counters say what it is.
     */
    @PostMapping("/{id}/cancel")
    ImportView cancel(@PathVariable String id, CurrentUser user) {
        var job = load(id, user);
        var notStarted = mongo.findAndModify(
                new Query(where("_id")
                        .is(job.id())
                        .and("status")
                        .is(ImportJob.Status.QUEUED)
                        .and("lockedBy")
                        .is(null)),
                new Update()
                        .set("status", ImportJob.Status.CANCELLED)
                        .set("cancelRequested", true)
                        .set("finishedAt", Instant.now()),
                FindAndModifyOptions.options().returnNew(true),
                ImportJob.class);
        if (notStarted != null) {
            files.delete(notStarted.fileId());
            return ImportView.of(notStarted);
        }
        mongo.updateFirst(
                new Query(
                        where("_id").is(job.id()).and("status").in(ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)),
                new Update().set("cancelRequested", true),
                ImportJob.class);
        return ImportView.of(mongo.findById(job.id(), ImportJob.class));
    }

    private List<String> columns(List<String> header, Map<String, String> mapping, String tenantId) {
        var errors = new ArrayList<FieldViolation>();
        if (mapping != null) {
            mapping.forEach((column, field) -> {
                if (!header.contains(column)) {
                    errors.add(new FieldViolation("mapping." + column, "is not a column of the file"));
                } else if (field == null || !importer.isField(tenantId, field)) {
                    errors.add(new FieldViolation("mapping." + column, "must be a card field or cf.<key>"));
                }
            });
        }
        var columns = new ArrayList<String>();
        for (String column : header) {
            String field = mapping != null ? mapping.get(column) : importer.isField(tenantId, column) ? column : null;
            columns.add(field);
        }
        if (columns.stream().allMatch(java.util.Objects::isNull)) {
            errors.add(new FieldViolation("mapping", "no column of the file maps to a card field"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return columns;
    }

    private ImportJob load(String id, CurrentUser user) {
        var job = mongo.findById(id, ImportJob.class);
        if (job == null || !job.tenantId().equals(user.tenantId()) || !mayRead(job, user)) {
            throw NotFoundException.of("import", id);
        }
        return job;
    }

    private static boolean mayRead(ImportJob job, CurrentUser user) {
        return user.userId().equals(job.createdBy()) || user.hasAnyRole(Role.ADMIN, Role.HEAD, Role.INTEGRATION);
    }
}
