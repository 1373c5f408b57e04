package org.opencrm.contacts.activity;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Read side of what happened around a card in other services: the screen-pop summary ({@code
 * contact_summaries}, one document per card read by {@code _id}) and the deal and task part of the
 * timeline ({@code activity_timeline}). Both are kept by {@link ActivityListener} from events.
 */
@Component
public class ContactActivity {

    static final String SUMMARIES = "contact_summaries";

    private final MongoTemplate mongo;

    ContactActivity(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Summaries of cards in one {@code _id} read. {@code idsPerCard} maps each card to the ids whose activity
     * is its own: itself and the cards merged into it.
     */
    public Map<String, ContactSummary> summaries(Map<String, List<String>> idsPerCard) {
        var all = idsPerCard.values().stream().flatMap(List::stream).distinct().toList();
        var documents = new HashMap<String, Document>();
        if (!all.isEmpty()) {
            mongo.find(new Query(where("_id").in(all)), Document.class, SUMMARIES)
                    .forEach(d -> documents.put(d.getString("_id"), d));
        }
        var result = new LinkedHashMap<String, ContactSummary>();
        idsPerCard.forEach((card, ids) -> result.put(
                card,
                combine(ids.stream().map(documents::get).filter(d -> d != null).toList())));
        return result;
    }

    /** Deal and task entries of the cards, newest first, strictly before the cursor position. */
    public List<ActivityEntry> timeline(
            String tenantId, Collection<String> contactIds, Instant beforeAt, String beforeId, int limit) {
        var criteria = where("tenantId").is(tenantId).and("contactId").in(contactIds);
        if (beforeAt != null) {
            criteria = new Criteria()
                    .andOperator(
                            criteria,
                            new Criteria()
                                    .orOperator(
                                            where("at").lt(beforeAt),
                                            new Criteria()
                                                    .andOperator(
                                                            where("at").is(beforeAt),
                                                            where("_id").lt(beforeId))));
        }
        var query = new Query(criteria)
                .with(Sort.by(Sort.Order.desc("at"), Sort.Order.desc("_id")))
                .limit(limit);
        return mongo.find(query, ActivityEntry.class);
    }

    /** Drops what may name the client: titles and comments on the timeline and in the summary. */
    public void erase(String tenantId, String contactId) {
        mongo.updateMulti(
                new Query(where("tenantId").is(tenantId).and("contactId").is(contactId)),
                new Update().unset("text"),
                ActivityEntry.class);
        var summary = mongo.findById(contactId, Document.class, SUMMARIES);
        if (summary != null && summary.get("tasks") instanceof Document tasks) {
            var update = new Update().set("erased", true);
            tasks.keySet().forEach(taskId -> update.unset("tasks." + taskId + ".title"));
            mongo.updateFirst(new Query(where("_id").is(contactId)), update, SUMMARIES);
        }
    }

    private static ContactSummary combine(List<Document> documents) {
        int openDeals = 0;
        var sums = new LinkedHashMap<String, BigDecimal>();
        ContactSummary.NextTask next = null;
        ContactSummary.LastInteraction last = null;
        for (Document summary : documents) {
            if (summary.get("deals") instanceof Document deals) {
                for (Object value : deals.values()) {
                    if (value instanceof Document deal && Boolean.TRUE.equals(deal.getBoolean("open"))) {
                        openDeals++;
                        if (deal.getString("currency") != null && deal.get("amount") != null) {
                            sums.merge(
                                    deal.getString("currency"),
                                    new BigDecimal(deal.get("amount").toString()),
                                    BigDecimal::add);
                        }
                    }
                }
            }
            if (summary.get("tasks") instanceof Document tasks) {
                for (Map.Entry<String, Object> entry : tasks.entrySet()) {
                    if (entry.getValue() instanceof Document task && Boolean.TRUE.equals(task.getBoolean("open"))) {
                        var candidate = new ContactSummary.NextTask(
                                entry.getKey(),
                                task.getString("type"),
                                task.getString("title"),
                                instant(task.get("dueAt")),
                                task.getString("dealId"));
                        if (next == null || earlier(candidate.dueAt(), next.dueAt())) {
                            next = candidate;
                        }
                    }
                }
            }
            if (summary.get("lastInteraction") instanceof Document li) {
                var candidate = new ContactSummary.LastInteraction(
                        li.getString("interactionId"),
                        li.getString("type"),
                        instant(li.get("at")),
                        li.getString("userId"),
                        li.getString("outcome"));
                if (last == null || candidate.at().isAfter(last.at())) {
                    last = candidate;
                }
            }
        }
        var amounts = new ArrayList<ContactSummary.Amount>();
        sums.forEach((currency, amount) -> amounts.add(new ContactSummary.Amount(amount, currency)));
        amounts.sort(Comparator.comparing(ContactSummary.Amount::currency));
        return new ContactSummary(openDeals, amounts, next, last);
    }

    // A task without a due time comes after every task with one.
    private static boolean earlier(Instant a, Instant b) {
        if (a == null) {
            return false;
        }
        return b == null || a.isBefore(b);
    }

    private static Instant instant(Object value) {
        if (value instanceof Date date) {
            return date.toInstant();
        }
        return value instanceof Instant instant ? instant : null;
    }
}
