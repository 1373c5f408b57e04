package org.opencrm.notifications.template;

/** A message ready to send; {@code subject} is null for channels without one (SMS, in-app use the body). */
public record Rendered(String subject, String body) {}
