package org.opencrm.contacts.card;

import java.util.List;

/** A page of a cursor-paged list; {@code next} is absent on the last page. */
public record Page<T>(List<T> items, String next) {}
