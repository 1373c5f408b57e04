package org.opencrm.deals.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.opencrm.deals.pipeline.PipelineRequests.PipelineRequest;
import org.opencrm.deals.pipeline.PipelineRequests.StageMove;
import org.opencrm.deals.pipeline.PipelineRequests.StageRequest;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/** Pipelines of a tenant, including the default one every tenant gets on first use. */
@Service
public class PipelineService {

    private final PipelineRepository pipelines;
    private final StageOccupancy occupancy;

    PipelineService(PipelineRepository pipelines, StageOccupancy occupancy) {
        this.pipelines = pipelines;
        this.occupancy = occupancy;
    }

    /** Every pipeline of the tenant, oldest first; creates the default one for a tenant that has none. */
    public List<Pipeline> all(String tenantId) {
        var all = pipelines.findByTenantIdOrderByCreatedAtAsc(tenantId);
        return all.isEmpty() ? List.of(ensureDefault(tenantId)) : all;
    }

    /** A pipeline of the caller's tenant; 404 for another tenant's. */
    public Pipeline get(String tenantId, String id) {
        if (defaultId(tenantId).equals(id)) {
            return ensureDefault(tenantId);
        }
        return pipelines
                .findById(id)
                .filter(p -> p.tenantId().equals(tenantId))
                .orElseThrow(() -> NotFoundException.of("pipeline", id));
    }

    /**
     * The pipeline new deals and leads of a department go to: the department's default, else its first,
     * else the tenant's shared default.
     */
    public Pipeline forDepartment(String tenantId, String departmentId) {
        var all = all(tenantId);
        var own = all.stream()
                .filter(p -> departmentId != null && departmentId.equals(p.departmentId()))
                .toList();
        var candidates = own.isEmpty()
                ? all.stream().filter(p -> p.departmentId() == null).toList()
                : own;
        if (candidates.isEmpty()) {
            return ensureDefault(tenantId);
        }
        return candidates.stream()
                .filter(Pipeline::defaultForDepartment)
                .findFirst()
                .orElse(candidates.getFirst());
    }

    Pipeline create(PipelineRequest request, CurrentUser user) {
        mayEdit(user, request.departmentId());
        var stages = validStages(request.stages());
        var pipeline = new Pipeline(
                UUID.randomUUID().toString(),
                user.tenantId(),
                request.name(),
                request.departmentId(),
                Boolean.TRUE.equals(request.defaultForDepartment()),
                stages,
                Instant.now(),
                null);
        return pipelines.save(pipeline);
    }

    /**
     * Replaces name, department and stages. Stages are matched by key, so a renamed stage keeps its deals;
     * a removed stage that holds deals needs a target of the same kind in {@code stageMoves}, or 409.
     */
    Pipeline replace(String id, String ifMatch, PipelineRequest request, CurrentUser user) {
        var current = get(user.tenantId(), id);
        mayEdit(user, current.departmentId());
        mayEdit(user, request.departmentId());
        ETags.requireIfMatch(ifMatch, current.version());
        var stages = validStages(request.stages());
        var kept = new HashSet<String>();
        stages.forEach(s -> kept.add(s.key()));
        Map<String, String> moves = new HashMap<>();
        if (request.stageMoves() != null) {
            request.stageMoves().forEach(m -> moves.put(m.from(), m.to()));
        }
        var updated = current.with(
                request.name(), request.departmentId(), Boolean.TRUE.equals(request.defaultForDepartment()), stages);
        List<Runnable> relocations = new ArrayList<>();
        for (Stage removed : current.stages()) {
            if (kept.contains(removed.key())) {
                continue;
            }
            long deals = occupancy.count(user.tenantId(), id, removed.key());
            String target = moves.get(removed.key());
            if (deals > 0 && target == null) {
                throw new ConflictException(
                        "Stage " + removed.key() + " still holds " + deals
                                + " deals; name a target stage for them in stageMoves.",
                        Map.of("stage", removed.key(), "deals", deals));
            }
            if (target != null) {
                Stage to = updated.stage(target)
                        .orElseThrow(() -> new InvalidRequestException(
                                "stageMoves", "target stage " + target + " is not a stage of the pipeline"));
                if (to.kind() != removed.kind()) {
                    throw new InvalidRequestException(
                            "stageMoves",
                            "deals of " + removed.key() + " can only move to a stage of kind " + removed.kind());
                }
                relocations.add(() -> occupancy.moveAll(updated, removed.key(), to, user));
            }
        }
        for (StageMove move : moves.entrySet().stream()
                .map(e -> new StageMove(e.getKey(), e.getValue()))
                .toList()) {
            if (kept.contains(move.from()) || current.stage(move.from()).isEmpty()) {
                throw new InvalidRequestException("stageMoves", move.from() + " is not a removed stage");
            }
        }
        // The pipeline is saved first so the moved deals' events name positions of the new stage list.
        var saved = pipelines.save(updated);
        relocations.forEach(Runnable::run);
        return saved;
    }

    private Pipeline ensureDefault(String tenantId) {
        var id = defaultId(tenantId);
        var existing = pipelines.findById(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return pipelines.insert(
                    new Pipeline(id, tenantId, "Sales", null, true, DefaultPipeline.stages(), Instant.now(), null));
        } catch (DuplicateKeyException createdConcurrently) {
            return pipelines.findById(id).orElseThrow();
        }
    }

    /** One default per tenant under a fixed id, so two first requests at once cannot create two. */
    private static String defaultId(String tenantId) {
        return tenantId + ":default";
    }

    private static List<Stage> validStages(List<StageRequest> requested) {
        var errors = new ArrayList<FieldViolation>();
        var keys = new HashSet<String>();
        for (int i = 0; i < requested.size(); i++) {
            if (!keys.add(requested.get(i).key())) {
                errors.add(new FieldViolation("stages[" + i + "].key", "is used by another stage"));
            }
        }
        if (requested.stream().noneMatch(s -> s.kind() == StageKind.OPEN)) {
            errors.add(new FieldViolation("stages", "must contain an OPEN stage for new deals"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return requested.stream().map(StageRequest::toStage).toList();
    }

    /** Admins edit every pipeline, heads those of their departments. */
    private static void mayEdit(CurrentUser user, String departmentId) {
        boolean allowed = user.hasRole(Role.ADMIN)
                || (user.hasRole(Role.HEAD) && departmentId != null && user.isIn(departmentId));
        if (!allowed) {
            throw new AccessDeniedException("Only an admin or the department's head may edit this pipeline");
        }
        Objects.requireNonNull(user.tenantId());
    }
}
