package org.opencrm.contacts.transfer;

import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import java.io.InputStream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/** Uploaded import files, in GridFS: any instance can run (or resume) the job that reads them. */
@Component
class ImportFiles {

    private final MongoTemplate mongo;

    ImportFiles(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    private GridFSBucket bucket() {
        return GridFSBuckets.create(mongo.getDb(), "contact_import_files");
    }

    String store(String tenantId, String fileName, InputStream content) {
        var options = new GridFSUploadOptions().metadata(new Document("tenantId", tenantId));
        return bucket().uploadFromStream(fileName, content, options).toHexString();
    }

    /**
     * Chunks of 255 KB read this many at a time: a server that answers a query in one batch (the embedded one of
     * the local run) would otherwise send a file above ~48 MB in a reply the driver refuses, and MongoDB's own
     * 16 MB batches would hold up to 64 chunks in memory.
     */
    static final int CHUNKS_PER_BATCH = 16;

    InputStream open(String fileId) {
        return bucket().openDownloadStream(new ObjectId(fileId)).batchSize(CHUNKS_PER_BATCH);
    }

    void delete(String fileId) {
        bucket().delete(new ObjectId(fileId));
    }
}
