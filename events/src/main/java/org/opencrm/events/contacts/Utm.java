package org.opencrm.events.contacts;

/**
 * The UTM parameters a website form captured, so analytics can attribute leads, deals and revenue to
 * campaigns and not only to sources. Every part is optional: forms pass what the visitor's URL had.
 */
public record Utm(String source, String medium, String campaign, String term, String content) {}
