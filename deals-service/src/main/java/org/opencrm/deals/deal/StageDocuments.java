package org.opencrm.deals.deal;

import org.opencrm.events.Actor;

/**
 * Renders the document a stage names when a deal enters it. Implemented by the document feature; the
 * deal records {@code DealDocumentGenerated} in the same save as the stage change.
 */
public interface StageDocuments {

    void renderOnEntry(Deal deal, String templateId, Actor by);
}
