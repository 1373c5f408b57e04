package org.opencrm.deals.pipeline;

import org.opencrm.platform.security.CurrentUser;

/**
 * What pipeline editing needs to know about deals without depending on the deal package: whether a stage
 * still holds deals, and moving them when their stage is removed.
 */
public interface StageOccupancy {

    long count(String tenantId, String pipelineId, String stageKey);

    /** Moves every deal of {@code from} into {@code to} of the edited pipeline, each with its stage-change events. */
    void moveAll(Pipeline pipeline, String from, Stage to, CurrentUser by);
}
