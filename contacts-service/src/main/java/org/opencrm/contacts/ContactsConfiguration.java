package org.opencrm.contacts;

import org.opencrm.contacts.settings.ContactsProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ContactsProperties.class, org.opencrm.contacts.transfer.ImportProperties.class})
@EnableScheduling
class ContactsConfiguration {}
