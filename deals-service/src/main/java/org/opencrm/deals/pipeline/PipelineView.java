package org.opencrm.deals.pipeline;

import java.util.List;

record PipelineView(
        String id, String name, String departmentId, boolean defaultForDepartment, List<Stage> stages, long version) {

    static PipelineView of(Pipeline p) {
        return new PipelineView(p.id(), p.name(), p.departmentId(), p.defaultForDepartment(), p.stages(), p.version());
    }
}
