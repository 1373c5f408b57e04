package org.opencrm.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdIndexedH2BackendTest extends IdPinnedFiltersContract {

    @TempDir
    static Path dir;

    private IdIndexedH2Backend backend;

    @Override
    MongoBackend newBackend() {
        backend = new IdIndexedH2Backend(dir.resolve("contract.mv").toString());
        return backend;
    }

    @Override
    long documentsExamined() {
        return backend.documentsExamined();
    }

    @Test
    void whatWasWrittenIsThereAfterTheFileIsOpenedAgainAndStillFoundByItsIdIndex() {
        String file = dir.resolve("reopened.mv").toString();
        var first = new MongoServer(new IdIndexedH2Backend(file));
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + first.bind().getPort())) {
            client.getDatabase("crm-contacts")
                    .getCollection("phone_index")
                    .insertOne(new Document("_id", "+4930123")
                            .append("contactId", "c-1")
                            .append("version", 2L));
        }
        first.shutdownNow();

        var reopened = new IdIndexedH2Backend(file);
        var second = new MongoServer(reopened);
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + second.bind().getPort())) {
            var index = client.getDatabase("crm-contacts").getCollection("phone_index");
            long before = reopened.documentsExamined();

            var found = index.find(new Document("_id", "+4930123").append("version", 2L))
                    .first();

            assertThat(found).containsEntry("contactId", "c-1");
            assertThat(reopened.documentsExamined() - before).isEqualTo(1);
        } finally {
            second.shutdownNow();
        }
    }
}
