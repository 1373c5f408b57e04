package org.opencrm.deals.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's sales funnel: ordered stages, owned by a department ({@code null}: the tenant's shared one).
 * Configuration rather than an aggregate with events: deal events copy what consumers need of it (stage
 * kind, position, probability) at the moment of each move.
 *
 * @param defaultForDepartment the pipeline leads of its department go to
 */
@Document(Pipeline.COLLECTION)
public record Pipeline(
        @Id String id,
        String tenantId,
        String name,
        String departmentId,
        boolean defaultForDepartment,
        List<Stage> stages,
        Instant createdAt,
        @Version Long version) {

    public static final String COLLECTION = "pipelines";

    public Optional<Stage> stage(String key) {
        return stages.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** Zero-based position of a stage, -1 when the pipeline has no such stage. */
    public int position(String key) {
        return IntStream.range(0, stages.size())
                .filter(i -> stages.get(i).key().equals(key))
                .findFirst()
                .orElse(-1);
    }

    public Optional<Stage> firstOfKind(StageKind kind) {
        return stages.stream().filter(s -> s.kind() == kind).findFirst();
    }

    Pipeline with(String name, String departmentId, boolean defaultForDepartment, List<Stage> stages) {
        return new Pipeline(id, tenantId, name, departmentId, defaultForDepartment, stages, createdAt, version);
    }
}
