package org.opencrm.deals.attachment;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code crm.deals.attachments.*}: the largest file accepted and the content types allowed.
 */
@ConfigurationProperties("crm.deals.attachments")
record AttachmentProperties(
        @DefaultValue("5MB") DataSize maxSize,

        @DefaultValue({"application/pdf", "image/png", "image/jpeg", "text/plain"})
        List<String> allowedTypes) {}
