package org.opencrm.deals.attachment;

import com.mongodb.client.gridfs.model.GridFSFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.opencrm.deals.deal.DealService;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.opencrm.platform.web.PayloadTooLargeException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.gridfs.GridFsTemplate;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Files attached to a deal (measurements, photos, signed contracts), in GridFS bucket {@code attachments}. */
@RestController
@EnableConfigurationProperties(AttachmentProperties.class)
class AttachmentController {

    private final DealService deals;
    private final GridFsTemplate files;
    private final AttachmentProperties properties;

    AttachmentController(DealService deals, MongoTemplate mongo, AttachmentProperties properties) {
        this.deals = deals;
        this.files = new GridFsTemplate(mongo.getMongoDatabaseFactory(), mongo.getConverter(), "attachments");
        this.properties = properties;
    }

    record AttachmentView(
            String id, String fileName, String contentType, long size, String uploadedBy, Instant uploadedAt) {

        static AttachmentView of(GridFSFile f) {
            var m = f.getMetadata();
            return new AttachmentView(
                    f.getObjectId().toHexString(),
                    f.getFilename(),
                    m.getString("contentType"),
                    f.getLength(),
                    m.getString("uploadedBy"),
                    f.getUploadDate().toInstant());
        }
    }

    @PostMapping(path = "/api/deals/{dealId}/attachments", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<AttachmentView> upload(
            @PathVariable String dealId, @RequestParam("file") MultipartFile file, CurrentUser user) {
        deals.load(dealId, user);
        if (file.isEmpty()) {
            throw new InvalidRequestException("file", "must not be empty");
        }
        if (file.getSize() > properties.maxSize().toBytes()) {
            throw new PayloadTooLargeException(properties.maxSize().toBytes());
        }
        String type = file.getContentType() == null
                ? ""
                : MediaType.parseMediaType(file.getContentType()).getType() + "/"
                        + MediaType.parseMediaType(file.getContentType()).getSubtype();
        if (!properties.allowedTypes().contains(type)) {
            throw new InvalidRequestException(
                    "file",
                    "content type " + type + " is not allowed; allowed: "
                            + String.join(", ", properties.allowedTypes()));
        }
        String name =
                file.getOriginalFilename() == null || file.getOriginalFilename().isBlank()
                        ? "attachment"
                        : file.getOriginalFilename().replaceAll("[\\\\/\\r\\n\"]", "_");
        var metadata = new Document("tenantId", user.tenantId())
                .append("dealId", dealId)
                .append("contentType", type)
                .append("uploadedBy", user.userId());
        ObjectId id;
        try (var in = file.getInputStream()) {
            id = files.store(in, name, type, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var stored = find(user.tenantId(), dealId, id.toHexString());
        return ResponseEntity.created(URI.create("/api/deals/" + dealId + "/attachments/" + id.toHexString()))
                .body(AttachmentView.of(stored));
    }

    @GetMapping("/api/deals/{dealId}/attachments")
    List<AttachmentView> list(@PathVariable String dealId, CurrentUser user) {
        deals.load(dealId, user);
        var found = new ArrayList<GridFSFile>();
        files.find(Query.query(Criteria.where("metadata.tenantId")
                                .is(user.tenantId())
                                .and("metadata.dealId")
                                .is(dealId))
                        .with(Sort.by("uploadDate")))
                .into(found);
        return found.stream().map(AttachmentView::of).toList();
    }

    @GetMapping("/api/deals/{dealId}/attachments/{attachmentId}")
    ResponseEntity<byte[]> download(@PathVariable String dealId, @PathVariable String attachmentId, CurrentUser user) {
        deals.load(dealId, user);
        var file = find(user.tenantId(), dealId, attachmentId);
        try (var in = files.getResource(file).getInputStream()) {
            return ResponseEntity.ok()
                    .contentType(MediaType.parseMediaType(file.getMetadata().getString("contentType")))
                    .header("X-Content-Type-Options", "nosniff")
                    .header(
                            "Content-Disposition",
                            ContentDisposition.attachment()
                                    .filename(file.getFilename())
                                    .build()
                                    .toString())
                    .body(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private GridFSFile find(String tenantId, String dealId, String id) {
        GridFSFile file = ObjectId.isValid(id)
                ? files.findOne(Query.query(Criteria.where("_id")
                        .is(new ObjectId(id))
                        .and("metadata.tenantId")
                        .is(tenantId)
                        .and("metadata.dealId")
                        .is(dealId)))
                : null;
        if (file == null) {
            throw NotFoundException.of("attachment", id);
        }
        return file;
    }
}
