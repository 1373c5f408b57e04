package org.opencrm.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

/**
 * The services behind the gateway ({@code crm.gateway.*}): one route per service, named by its key.
 *
 * @param services the route id (contacts, deals, ...) to where the service is and what it serves
 * @param circuitBreaker how failures open a service's circuit (the same for every service)
 * @param retry how often an idempotent request that never reached its service is tried again
 */
@ConfigurationProperties("crm.gateway")
public record RoutesProperties(Map<String, Service> services, CircuitBreaker circuitBreaker, Retry retry) {

    public RoutesProperties {
        services = services == null ? Map.of() : Map.copyOf(services);
        circuitBreaker =
                circuitBreaker == null ? new CircuitBreaker(20, 10, 50, Duration.ofSeconds(10), 3) : circuitBreaker;
        retry = retry == null ? new Retry(1, List.of(HttpStatus.SERVICE_UNAVAILABLE)) : retry;
    }

    /**
     * @param uri the service's base address (a DNS name in Kubernetes, a loopback port locally)
     * @param capability what the service offers, in words: the 503 problem names it
     * @param paths the path patterns routed to the service
     * @param timeout how long the service may take to answer before the caller gets a 503
     * @param connectTimeout how long opening a connection may take
     * @param uploads the service's upload endpoints, which take larger bodies and longer than its other calls
     */
    public record Service(
            URI uri,
            String capability,
            List<String> paths,
            @DefaultValue("5s") Duration timeout,
            @DefaultValue("1s") Duration connectTimeout,
            List<Upload> uploads) {

        public Service {
            uploads = uploads == null ? List.of() : List.copyOf(uploads);
        }
    }

    /**
     * An endpoint that receives a file (a CSV import, an attachment). Its own route sends it to the service with
     * its own body limit and a timeout that covers sending the body, which at the default 1 MB and 5 s would
     * refuse any real file; it is never retried.
     *
     * @param path the path pattern, e.g. {@code /api/deals/{dealId}/attachments}
     * @param method the HTTP method of the upload
     * @param maxBodySize the largest body passed on (413 beyond it): the service's own limit
     * @param timeout how long the upload and the service's answer may take together before the caller gets a 503
     */
    public record Upload(
            String path,
            @DefaultValue("POST") HttpMethod method,
            DataSize maxBodySize,
            @DefaultValue("120s") Duration timeout) {}

    /**
     * @param window the number of recent calls whose outcome counts
     * @param minimumCalls calls needed in the window before the failure rate means anything
     * @param failureRate the percentage of failed or timed-out calls that opens the circuit
     * @param openFor how long an open circuit answers 503 at once before letting trial calls through
     * @param halfOpenCalls the trial calls that decide whether the circuit closes again
     */
    public record CircuitBreaker(
            int window, int minimumCalls, float failureRate, Duration openFor, int halfOpenCalls) {}

    /**
     * @param attempts extra attempts for GET, HEAD and OPTIONS when the connection failed or the service answered
     *     one of {@code statuses} (0: none)
     * @param statuses the answers that are worth asking again for: a service instance that is not ready
     */
    public record Retry(
            int attempts,
            @DefaultValue("SERVICE_UNAVAILABLE") List<HttpStatus> statuses) {

        public Retry {
            statuses = List.copyOf(statuses);
        }
    }
}
