package org.opencrm.deals.pipeline;

import java.util.List;

/** The funnel a tenant starts with until an admin configures its own. */
final class DefaultPipeline {

    private DefaultPipeline() {}

    static List<Stage> stages() {
        return List.of(
                new Stage("first-call", "First call", 10, StageKind.OPEN, 24, 7, null),
                new Stage("qualified", "Qualified", 25, StageKind.OPEN, null, 14, null),
                new Stage("proposal", "Proposal", 50, StageKind.OPEN, null, 14, null),
                new Stage("negotiation", "Negotiation", 75, StageKind.OPEN, null, 14, null),
                new Stage("won", "Won", 100, StageKind.WON, null, null, null),
                new Stage("lost", "Lost", 0, StageKind.LOST, null, null, null));
    }
}
