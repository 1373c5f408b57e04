package org.opencrm.analytics.projection;

import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

/**
 * The indexes the reports' filters need: every query starts with the tenant and a time range or a state.
 * Created for the current version at start-up and for a new version before a rebuild fills it; creating an
 * existing index is a no-op.
 */
@Component
public class ProjectionIndexes {

    private final MongoTemplate mongo;
    private final ProjectionPointer pointer;

    ProjectionIndexes(MongoTemplate mongo, ProjectionPointer pointer) {
        this.mongo = mongo;
        this.pointer = pointer;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        ensure(pointer.current());
    }

    public void ensure(ProjectionCollections facts) {
        // The compare-and-set of FactBatch: on MongoDB the _id index answers {_id, rev}; the embedded
        // MongoDB-protocol server uses an index only for a filter naming exactly its keys.
        for (String merged : List.of(
                facts.deals(), facts.tasks(), facts.calls(), facts.teams(), facts.rollups(), facts.clientActivity())) {
            mongo.indexOps(merged)
                    .createIndex(new Index()
                            .on("_id", Direction.ASC)
                            .on(FactBatch.REVISION, Direction.ASC)
                            .unique());
        }
        index(facts.deals(), List.of("tenantId", "closedAt"));
        index(facts.deals(), List.of("tenantId", "createdAt"));
        index(facts.deals(), List.of("tenantId", "stageKind", "ownerId"));
        index(facts.dealHistory(), List.of("tenantId", "at"));
        index(facts.dealHistory(), List.of("tenantId", "dealKey", "version"));
        index(facts.leads(), List.of("tenantId", "at"));
        index(facts.interactions(), List.of("tenantId", "at"));
        index(facts.calls(), List.of("tenantId", "call.clientKeys"));
        index(facts.calls(), List.of("tenantId", "interaction.clientKey"));
        index(facts.tasks(), List.of("tenantId", "completedAt"));
        index(facts.tasks(), List.of("tenantId", "dueAt"));
    }

    private void index(String collection, List<String> fields) {
        var index = new Index();
        fields.forEach(field -> index.on(field, Direction.ASC));
        mongo.indexOps(collection).createIndex(index);
    }
}
