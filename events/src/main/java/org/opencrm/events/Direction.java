package org.opencrm.events;

/**
 * Who started a conversation. Shared by interactions and calls because analytics and the call-back rule
 * ("missed inbound call") read it from both and must not translate between two vocabularies.
 */
public enum Direction {
    INBOUND,
    OUTBOUND
}
