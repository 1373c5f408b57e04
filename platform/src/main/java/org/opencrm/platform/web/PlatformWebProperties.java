package org.opencrm.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * HTTP input limits ({@code crm.web.*}).
 *
 * @param maxBodySize the largest request body a service reads; larger ones answer 413 before a controller runs
 */
@ConfigurationProperties("crm.web")
record PlatformWebProperties(@DefaultValue("1MB") DataSize maxBodySize) {}
