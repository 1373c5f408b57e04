package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.MongoBackend;

class IdIndexedMemoryBackendTest extends IdPinnedFiltersContract {

    private IdIndexedMemoryBackend backend;

    @Override
    MongoBackend newBackend() {
        backend = new IdIndexedMemoryBackend();
        return backend;
    }

    @Override
    long documentsExamined() {
        return backend.documentsExamined();
    }
}
