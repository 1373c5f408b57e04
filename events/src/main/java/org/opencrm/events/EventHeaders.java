package org.opencrm.events;

/**
 * Kafka header names of the CloudEvents 1.0 Kafka protocol binding (binary mode) plus the platform's own.
 * The record value is the event record's JSON; no Java type headers are ever sent.
 */
public final class EventHeaders {
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";
    /** CloudEvents extension attribute: the tenant, so a consumer can route or filter without parsing. */
    public static final String TENANT = "ce_tenantid";
    /** W3C trace context of the request that caused the event. */
    public static final String TRACEPARENT = "traceparent";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    private EventHeaders() {}
}
