package org.opencrm.tasks.sla;

/** Looks at a deal when its next-step entry in the due index fires. */
public interface DealCheck {

    /** @return true when the entry is handled (or obsolete) and may be removed */
    boolean checkNextStep(String tenantId, String dealId);
}
