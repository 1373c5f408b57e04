package org.opencrm.contacts.card;

import java.time.Instant;

/** One marketing consent: whether it is given and since when (or since when withdrawn). */
public record ConsentState(boolean granted, Instant at) {}
