package org.opencrm.contacts.card;

public enum PhoneType {
    MOBILE,
    WORK,
    HOME,
    FAX,
    OTHER
}
