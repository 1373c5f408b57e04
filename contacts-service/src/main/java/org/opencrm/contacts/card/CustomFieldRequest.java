package org.opencrm.contacts.card;

import java.util.List;

record CustomFieldRequest(String key, String label, CustomFieldType type, Boolean required, List<String> options) {}
