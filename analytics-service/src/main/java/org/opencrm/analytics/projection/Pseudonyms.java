package org.opencrm.analytics.projection;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.Document;
import org.bson.types.Binary;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Client ids become pseudonyms before anything is stored: HMAC-SHA256 of the contact id under a secret key
 * of the tenant. The same client always gets the same pseudonym, so leads and calls of one client can be
 * joined, but the pseudonym cannot be turned back into the contact id without the key.
 *
 * <p>Keys live in their own collection, outside the projection versions, so a rebuild computes the same
 * pseudonyms; a tenant's key is created on first use. Deleting a tenant's key unlinks its analytics from
 * its clients for good.
 */
@Component
class Pseudonyms {

    static final String KEYS_COLLECTION = "analytics_keys";
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoTemplate mongo;
    private final Map<String, SecretKeySpec> keys = new ConcurrentHashMap<>();
    /** Each thread's initialised HMAC per tenant: looking up and initialising one per pseudonym cost ingestion. */
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

    Pseudonyms(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The pseudonym of a client of the tenant; null for no client. */
    String of(String tenantId, String contactId) {
        if (contactId == null) {
            return null;
        }
        Mac mac = macs.get().computeIfAbsent(tenantId, this::mac);
        // doFinal resets the Mac to its key, ready for the next pseudonym
        byte[] digest = mac.doFinal(contactId.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private Mac mac(String tenantId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(keys.computeIfAbsent(tenantId, this::loadOrCreate));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private SecretKeySpec loadOrCreate(String tenantId) {
        Document stored = mongo.findById(tenantId, Document.class, KEYS_COLLECTION);
        if (stored == null) {
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            try {
                mongo.insert(
                        new Document("_id", tenantId)
                                .append("key", new Binary(fresh))
                                .append("createdAt", Date.from(Instant.now())),
                        KEYS_COLLECTION);
                return new SecretKeySpec(fresh, ALGORITHM);
            } catch (DuplicateKeyException anotherInstanceWasFirst) {
                stored = mongo.findById(tenantId, Document.class, KEYS_COLLECTION);
            }
        }
        Object key = stored.get("key");
        return new SecretKeySpec(key instanceof Binary binary ? binary.getData() : (byte[]) key, ALGORITHM);
    }
}
