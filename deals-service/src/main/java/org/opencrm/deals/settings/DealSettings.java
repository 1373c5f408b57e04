package org.opencrm.deals.settings;

import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's deal vocabulary and what its documents print about the seller. One document per tenant,
 * keyed by the tenant id.
 *
 * @param lossReasons the reasons a deal may be lost for; a move to a LOST stage must name one
 * @param companyName the seller's name on invoices and contracts
 * @param paymentDetails free-form bank details printed on invoices
 */
@Document("deal_settings")
public record DealSettings(
        @Id String tenantId,
        List<LossReason> lossReasons,
        String companyName,
        String paymentDetails,
        @Version Long version) {

    public record LossReason(String key, String name) {}

    static DealSettings defaults(String tenantId) {
        return new DealSettings(
                tenantId,
                List.of(
                        new LossReason("price", "Price too high"),
                        new LossReason("competitor", "Chose a competitor"),
                        new LossReason("no-response", "Client stopped responding"),
                        new LossReason("not-needed", "No longer needed"),
                        new LossReason("other", "Other")),
                null,
                null,
                null);
    }

    public boolean knowsLossReason(String key) {
        return key != null && lossReasons.stream().anyMatch(r -> r.key().equals(key));
    }
}
