package org.opencrm.analytics.query;

/** The optional narrowing every query accepts; null means "not filtered". */
record Filters(String departmentId, String pipelineId, String ownerId) {}
