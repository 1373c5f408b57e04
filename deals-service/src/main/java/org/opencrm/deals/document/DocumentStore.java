package org.opencrm.deals.document;

import com.mongodb.client.gridfs.model.GridFSFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.data.mongodb.gridfs.GridFsTemplate;
import org.springframework.stereotype.Component;

/**
 * Rendered documents in GridFS (bucket {@code documents}). The metadata carries tenant and deal for access
 * checks, and the client's name for listings, which erasure removes.
 */
@Component
public class DocumentStore {

    static final String BUCKET = "documents";

    private final MongoTemplate mongo;
    private final GridFsTemplate files;

    DocumentStore(MongoTemplate mongo) {
        this.mongo = mongo;
        this.files = new GridFsTemplate(mongo.getMongoDatabaseFactory(), mongo.getConverter(), BUCKET);
    }

    String store(byte[] pdf, String fileName, Document metadata) {
        ObjectId id = files.store(new ByteArrayInputStream(pdf), fileName, "application/pdf", metadata);
        return id.toHexString();
    }

    List<GridFSFile> ofDeal(String tenantId, String dealId) {
        var found = new java.util.ArrayList<GridFSFile>();
        files.find(Query.query(Criteria.where("metadata.tenantId")
                                .is(tenantId)
                                .and("metadata.dealId")
                                .is(dealId))
                        .with(org.springframework.data.domain.Sort.by("uploadDate")))
                .into(found);
        return found;
    }

    Optional<GridFSFile> find(String tenantId, String dealId, String documentId) {
        if (!ObjectId.isValid(documentId)) {
            return Optional.empty();
        }
        return Optional.ofNullable(files.findOne(Query.query(Criteria.where("_id")
                .is(new ObjectId(documentId))
                .and("metadata.tenantId")
                .is(tenantId)
                .and("metadata.dealId")
                .is(dealId))));
    }

    byte[] content(GridFSFile file) {
        try (var in = files.getResource(file).getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the client's name from the metadata of every document rendered for them. */
    public void eraseClient(String tenantId, String contactId) {
        mongo.updateMulti(
                Query.query(Criteria.where("metadata.tenantId")
                        .is(tenantId)
                        .and("metadata.contactId")
                        .is(contactId)),
                new Update().unset("metadata.clientName").set("metadata.clientErased", true),
                BUCKET + ".files");
    }
}
