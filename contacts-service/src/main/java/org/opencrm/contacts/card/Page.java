package org.opencrm.contacts.card;

import java.util.List;

/** A page of a cursor-paged list; {@code next} is absent on the last page. */
record Page<T>(List<T> items, String next) {}
