package org.opencrm.deals.pipeline;

/** Whether a deal in the stage is still being worked on, or closed as won or lost. */
public enum StageKind {
    OPEN,
    WON,
    LOST;

    public boolean closed() {
        return this != OPEN;
    }
}
