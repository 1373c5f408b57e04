package org.opencrm.contacts.card;

/** A card's phone, stored in E.164 whatever format it was typed in. */
public record Phone(String number, PhoneType type) {}
