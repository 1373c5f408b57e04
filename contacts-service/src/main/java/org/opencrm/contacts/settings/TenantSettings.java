package org.opencrm.contacts.settings;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * Per-tenant settings of the contacts service, one document per tenant ({@code _id} = tenant id). A tenant
 * without a document uses the service's defaults ({@code crm.contacts.*}).
 *
 * @param defaultRegion ISO 3166 region used to read phone numbers typed without a country code
 * @param createCardsForUnknownCallers whether the telephony webhook creates a card for a caller whose
 *     number no card has (null = no)
 */
@Document("tenant_settings")
record TenantSettings(@Id String tenantId, String defaultRegion, Boolean createCardsForUnknownCallers) {}
