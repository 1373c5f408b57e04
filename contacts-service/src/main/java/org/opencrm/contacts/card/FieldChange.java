package org.opencrm.contacts.card;

/** One field of one change in the audit trail; values rendered as text so any field type fits. */
record FieldChange(String field, String from, String to) {}
