package org.opencrm.contacts.card;

import jakarta.validation.constraints.NotBlank;
import java.util.Map;

/**
 * @param prefer per field ({@code city}, {@code ownerId}, {@code cf.budget}, ...) whose value wins:
 *     {@code survivor} (the default) or {@code duplicate}; lists are always united
 */
record MergeRequest(@NotBlank String duplicateId, Map<String, String> prefer) {}
