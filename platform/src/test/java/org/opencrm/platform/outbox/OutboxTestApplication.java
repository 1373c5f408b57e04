package org.opencrm.platform.outbox;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** A service with nothing but the platform kit: the outbox's auto-configuration as a service gets it. */
@SpringBootConfiguration
@EnableAutoConfiguration
class OutboxTestApplication {}
