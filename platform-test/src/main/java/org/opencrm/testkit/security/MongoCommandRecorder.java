package org.opencrm.testkit.security;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;

/**
 * Watches every command a service sends to MongoDB for input a hostile-input test planted: an operator such as
 * {@code {"$ne": "zzhostile-ne"}} sent in a request must be refused at the edge and never reach the database as a
 * query operator or a stored key. The test kit registers one per test context (see
 * {@code TestInfrastructureContextCustomizerFactory}); a test takes it with {@code @Autowired}.
 *
 * <p>A command is a violation when any key contains {@value #MARKER}, or when one of the planted operators
 * holds a planted marker value ({@code zzhostile-...}) anywhere below it. Escaped user text, such as a search
 * prefix turned into {@code {"$regex": "^\\Qzzhostile-ne\\E"}}, is not a violation: only the exact marker is.
 */
public final class MongoCommandRecorder implements CommandListener, MongoClientSettingsBuilderCustomizer {

    /** Every planted value starts with this. */
    public static final String MARKER = "zzhostile";

    /** The operators hostile-input tests plant; {@code $eq} is what a planted {@code $expr} holds. */
    static final Set<String> PLANTED_OPERATORS = Set.of("$ne", "$gt", "$where", "$regex", "$expr", "$eq");

    private final AtomicLong commands = new AtomicLong();
    private volatile boolean watching;
    private final List<String> violations = new ArrayList<>();

    @Override
    public void customize(com.mongodb.MongoClientSettings.Builder builder) {
        builder.addCommandListener(this);
    }

    /** Starts looking at commands; until then every context pays nothing for the listener. */
    public void watch() {
        watching = true;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        if (!watching) {
            return;
        }
        commands.incrementAndGet();
        BsonDocument command = event.getCommand();
        if (command.toJson().contains(MARKER) && violates(command, false)) {
            synchronized (violations) {
                if (violations.size() < 50) {
                    violations.add(event.getCommandName() + " " + abbreviate(command.toJson()));
                }
            }
        }
    }

    /** Commands seen since {@link #watch()}. */
    public long commands() {
        return commands.get();
    }

    /** The offending commands seen so far (at most 50). */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    private static boolean violates(BsonValue value, boolean underOperator) {
        if (value instanceof BsonDocument document) {
            for (var entry : document.entrySet()) {
                String key = entry.getKey();
                if (key.contains(MARKER)) {
                    return true;
                }
                if (violates(entry.getValue(), underOperator || PLANTED_OPERATORS.contains(key))) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof BsonArray array) {
            for (BsonValue element : array) {
                if (violates(element, underOperator)) {
                    return true;
                }
            }
            return false;
        }
        return underOperator && value.isString() && value.asString().getValue().startsWith(MARKER + "-");
    }

    private static String abbreviate(String json) {
        return json.length() > 600 ? json.substring(0, 600) + "..." : json;
    }
}
