package org.opencrm.deals;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;

/**
 * The service's reads of the {@code deal_settings} collection, as the filters it sent: lets a test tell whether a
 * command read the tenant's settings at all. Registered once in the shared test context ({@link DealsTestSupport}).
 */
public class SettingsReads implements CommandListener, MongoClientSettingsBuilderCustomizer {

    private final List<String> filters = new CopyOnWriteArrayList<>();

    @Override
    public void customize(com.mongodb.MongoClientSettings.Builder builder) {
        builder.addCommandListener(this);
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        var command = event.getCommand();
        if (event.getCommandName().equals("find")
                && command.isString("find")
                && command.getString("find").getValue().equals("deal_settings")) {
            filters.add(
                    command.getDocument("filter", new org.bson.BsonDocument()).toJson());
        }
    }

    /** How many reads of the settings named the tenant so far. */
    long of(String tenantId) {
        return filters.stream().filter(f -> f.contains("\"" + tenantId + "\"")).count();
    }
}
