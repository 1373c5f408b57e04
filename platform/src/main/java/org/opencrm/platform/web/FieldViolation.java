package org.opencrm.platform.web;

/**
 * One offending input of a 400 response's {@code errors}.
 *
 * @param field the JSON path of the field ({@code address.city}, {@code items[2].quantity}) or the name of a
 *     query parameter, path variable or header; {@code null} when the request as a whole is at fault
 * @param message what is wrong, for a human
 */
public record FieldViolation(String field, String message) {}
