package org.opencrm.contacts.card;

public enum ContactKind {
    PERSON,
    COMPANY
}
