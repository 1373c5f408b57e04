package org.opencrm.platform.events;

import org.opencrm.events.CrmEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of event records, shared by producers and consumers so both sides agree byte for
 * byte. Unknown properties are ignored on read: producers may add optional fields before every consumer
 * knows them (see docs/events.md, "Evolution").
 */
public final class EventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventJson() {}

    public static String write(CrmEvent event) {
        return MAPPER.writeValueAsString(event);
    }

    /** @throws JacksonException when the JSON does not fit the record */
    public static <E extends CrmEvent> E read(String json, Class<E> type) {
        return MAPPER.readValue(json, type);
    }
}
