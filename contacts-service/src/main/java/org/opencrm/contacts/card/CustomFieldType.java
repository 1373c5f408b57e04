package org.opencrm.contacts.card;

enum CustomFieldType {
    TEXT,
    NUMBER,
    DATE,
    BOOLEAN,
    ENUM,
    MULTI_ENUM,
    PHONE,
    EMAIL,
    URL
}
