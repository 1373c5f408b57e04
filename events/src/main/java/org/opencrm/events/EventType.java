package org.opencrm.events;

/**
 * One entry of the catalogue: the CloudEvents {@code type} string, the record that carries it and the
 * topic it is published on.
 *
 * @param type the {@code ce_type} header value, e.g. {@code crm.deals.DealStageChanged.v1}; a breaking
 *     change is a new type ending {@code .v2}, never an edit of this one
 */
public record EventType<E extends CrmEvent>(String type, Class<E> javaType, String topic) {}
