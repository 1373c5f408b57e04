package org.opencrm.platform.consumer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

@SpringBootConfiguration
@EnableAutoConfiguration
@Import({DealProjectionListener.class, OrderRecordingListener.class})
class ConsumerKitTestApplication {}
