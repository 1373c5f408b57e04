package org.opencrm.contacts.card;

enum ContactKind {
    PERSON,
    COMPANY
}
