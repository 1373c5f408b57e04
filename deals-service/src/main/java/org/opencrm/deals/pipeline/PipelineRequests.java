package org.opencrm.deals.pipeline;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

final class PipelineRequests {

    static final String KEY_PATTERN = "[a-z0-9][a-z0-9_-]{0,39}";

    private PipelineRequests() {}

    /**
     * Creates a pipeline, or replaces one (PUT, with If-Match). On a replace, stages are matched by key: a
     * stage whose key is gone is removed, and if it still holds deals {@code stageMoves} must name where they
     * go.
     */
    record PipelineRequest(
            @NotBlank @Size(max = 200) String name,
            @Size(max = 100) String departmentId,
            Boolean defaultForDepartment,
            @NotEmpty @Size(max = 50) List<@Valid @NotNull StageRequest> stages,
            @Size(max = 50) List<@Valid @NotNull StageMove> stageMoves) {}

    record StageRequest(
            @NotBlank @Pattern(regexp = KEY_PATTERN) String key,
            @NotBlank @Size(max = 200) String name,
            @NotNull @Min(0) @Max(100) Integer probability,
            @NotNull StageKind kind,
            @Positive @Max(100_000) Integer slaHours,
            @Positive @Max(10_000) Integer idleAfterDays,
            @Size(max = 100) String templateId) {

        Stage toStage() {
            return new Stage(key, name, probability, kind, slaHours, idleAfterDays, templateId);
        }
    }

    /** Where the deals of a removed stage go. */
    record StageMove(@NotBlank String from, @NotBlank String to) {}
}
