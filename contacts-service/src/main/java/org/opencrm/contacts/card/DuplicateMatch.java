package org.opencrm.contacts.card;

import java.util.List;

/**
 * An existing card a new or changed card looks like.
 *
 * @param reasons e.g. {@code phone:+74951234567}, {@code email:ann@example.com}, {@code name:same-city}
 * @param score 0..1, higher is surer
 */
record DuplicateMatch(String contactId, List<String> reasons, double score) {}
