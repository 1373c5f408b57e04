package org.opencrm.contacts.card;

enum PhoneType {
    MOBILE,
    WORK,
    HOME,
    FAX,
    OTHER
}
