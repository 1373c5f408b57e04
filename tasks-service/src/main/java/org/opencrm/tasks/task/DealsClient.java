package org.opencrm.tasks.task;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.opencrm.platform.web.ProblemType;
import org.opencrm.tasks.TasksProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Closes a deal in deals-service over HTTP, as the user who completes the task (their token is relayed).
 * Each attempt has connect and read timeouts; only failures that certainly did not reach deals-service
 * (connection refused, 502/503/504) are retried, because a timed-out close may have happened; a circuit
 * breaker stops calling a deals-service that keeps failing. A refusal by deals-service (4xx) is its answer
 * and is relayed to the caller as it came.
 */
@Component
class DealsClient {

    private static final Logger log = LoggerFactory.getLogger(DealsClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RestClient http;
    private final CircuitBreaker breaker;
    private final Retry retry;

    DealsClient(TasksProperties properties) {
        var settings = properties.deals();
        // HTTP/1.1: the JDK client's h2c upgrade on a POST with a body is refused by some servers.
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build());
        factory.setReadTimeout(settings.readTimeout());
        this.http = RestClient.builder()
                .baseUrl(properties.dealsUrl().toString())
                .requestFactory(factory)
                .build();
        this.breaker = CircuitBreaker.of(
                "deals-service",
                CircuitBreakerConfig.custom()
                        .failureRateThreshold(settings.failureRateThreshold())
                        .minimumNumberOfCalls(settings.minimumCalls())
                        .slidingWindowSize(Math.max(settings.minimumCalls(), 20))
                        .waitDurationInOpenState(settings.openFor())
                        .ignoreExceptions(DealsRejectedException.class)
                        .build());
        this.retry = Retry.of(
                "deals-service",
                RetryConfig.custom()
                        .maxAttempts(settings.attempts())
                        .waitDuration(settings.retryWait())
                        .retryOnException(DealsClient::neverReachedDeals)
                        .build());
    }

    record CloseRequest(String outcome, String lossReason, String comment) {}

    /**
     * @throws DealsRejectedException deals-service refused (its problem, relayed)
     * @throws DealsUnavailableException deals-service could not be reached or failed
     */
    void close(String dealId, CloseRequest request, String authorization) {
        var call = Retry.decorateRunnable(
                retry, CircuitBreaker.decorateRunnable(breaker, () -> send(dealId, request, authorization)));
        try {
            call.run();
        } catch (DealsRejectedException refused) {
            throw refused;
        } catch (CallNotPermittedException | ResourceAccessException | DealsFailedException e) {
            log.warn(
                    "closing deal {} failed: deals-service unavailable ({})",
                    dealId,
                    e.getClass().getSimpleName());
            throw new DealsUnavailableException();
        }
    }

    private void send(String dealId, CloseRequest request, String authorization) {
        http.post()
                .uri("/api/deals/{id}/close", dealId)
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .body(request)
                .exchange((req, response) -> {
                    HttpStatusCode status = response.getStatusCode();
                    if (status.is2xxSuccessful()) {
                        return null;
                    }
                    byte[] body = response.getBody().readAllBytes();
                    if (status.is4xxClientError()) {
                        throw new DealsRejectedException(status, body);
                    }
                    throw new DealsFailedException(status);
                });
    }

    private static boolean neverReachedDeals(Throwable e) {
        if (e instanceof DealsFailedException failed) {
            int code = failed.status.value();
            return code == 502 || code == 503 || code == 504;
        }
        return e instanceof ResourceAccessException && e.getCause() instanceof ConnectException;
    }

    /** deals-service answered 5xx. */
    static final class DealsFailedException extends RuntimeException {

        final HttpStatusCode status;

        DealsFailedException(HttpStatusCode status) {
            super("deals-service answered " + status.value(), null, false, false);
            this.status = status;
        }
    }

    /** 503: the completion did not happen, the task stays open, the client may retry later. */
    static final class DealsUnavailableException extends ErrorResponseException {

        DealsUnavailableException() {
            super(
                    ProblemType.SERVICE_UNAVAILABLE.status(),
                    ProblemType.SERVICE_UNAVAILABLE.problem(
                            "The deal could not be closed because deals-service is unavailable; the task is still"
                                    + " open. Try again later."),
                    null);
        }
    }

    /** deals-service refused to close the deal: its status and problem reach the caller unchanged. */
    static final class DealsRejectedException extends ErrorResponseException {

        DealsRejectedException(HttpStatusCode status, byte[] body) {
            super(status, relayed(status, body), null);
        }

        private static ProblemDetail relayed(HttpStatusCode status, byte[] body) {
            var problem = ProblemDetail.forStatus(status);
            problem.setDetail("deals-service refused to close the deal.");
            try {
                Map<String, Object> fields = JSON.readValue(new String(body, StandardCharsets.UTF_8), Map.class);
                fields.forEach((name, value) -> {
                    switch (name) {
                        case "type" -> problem.setType(java.net.URI.create(String.valueOf(value)));
                        case "title" -> problem.setTitle(String.valueOf(value));
                        case "detail" -> problem.setDetail(String.valueOf(value));
                        case "status", "instance", "traceId" -> {}
                        default -> problem.setProperty(name, value);
                    }
                });
            } catch (JacksonException | IllegalArgumentException notAProblem) {
                // Not a problem body: the status and the generic detail still tell the caller what happened.
            }
            return problem;
        }
    }
}
