package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies of the documents a client's query returns, taken under the collection's lock.
 *
 * <p>mongo-java-server's collections hand their stored document objects to the reply (the memory backend's
 * list, the H2 backend's MVStore cache), change those same objects in place on update, and the server encodes a
 * reply after the collection's lock is released. A document updated meanwhile was sent half-changed, or its
 * encoding failed with a {@code ConcurrentModificationException} and the server closed the client's connection
 * (seen in CI and in bench B3; the driver's retry hid most of them). MongoDB replies from a snapshot; so do the test
 * kit's backends with these copies. A copy of the top level is enough: an update puts new values into a stored
 * document, it never changes a value object in place.
 */
final class ClientReplies {

    private ClientReplies() {}

    static List<Document> copies(List<Document> stored) {
        List<Document> copies = new ArrayList<>(stored.size());
        for (Document document : stored) {
            copies.add(new Document(document));
        }
        return copies;
    }
}
