package org.opencrm.platform.mongo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a request may wait for MongoDB ({@code crm.mongodb.*}). The driver's own defaults (30 s to select a
 * server, no read timeout) let every request thread hang for half a minute during an outage and then answer 500;
 * with these a request fails fast and the platform answers a 503 problem. Options given in the connection string
 * ({@code serverSelectionTimeoutMS}, {@code connectTimeoutMS}, {@code socketTimeoutMS}) take precedence.
 *
 * @param serverSelectionTimeout how long an operation waits for a reachable server before it fails
 * @param connectTimeout how long opening a connection may take
 * @param readTimeout how long one command may wait for its answer on an open connection (a server that hangs)
 */
@ConfigurationProperties("crm.mongodb")
public record MongoTimeoutsProperties(
        @DefaultValue("5s") Duration serverSelectionTimeout,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("60s") Duration readTimeout) {}
