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

    InputStream open(String fileId) {
        return bucket().openDownloadStream(new ObjectId(fileId));
    }

    void delete(String fileId) {
        bucket().delete(new ObjectId(fileId));
    }
}
