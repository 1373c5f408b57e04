package org.opencrm.platform.web;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.converter.autoconfigure.ServerHttpMessageConvertersCustomizer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problem responses, the request body cap and strict JSON request bodies for every servlet service.
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(PlatformWebProperties.class)
public final class PlatformWebAutoConfiguration {

    /** Runs right after the observation filter, so even a 413 carries a trace id, and before security. */
    static final int BODY_SIZE_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    /** Steps aside when the service declares its own (ideally a subclass of {@link PlatformExceptionHandler}). */
    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    PlatformExceptionHandler platformExceptionHandler() {
        return new PlatformExceptionHandler();
    }

    @Bean
    FilterRegistrationBean<RequestBodySizeFilter> requestBodySizeFilter(
            PlatformWebProperties properties,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        var registration = new FilterRegistrationBean<>(
                new RequestBodySizeFilter(properties.maxBodySize().toBytes(), resolver));
        registration.setOrder(BODY_SIZE_FILTER_ORDER);
        return registration;
    }

    /** Right after the body cap: a query parameter named like a MongoDB operator never reaches binding. */
    @Bean
    FilterRegistrationBean<OperatorParameterFilter> operatorParameterFilter(
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        var registration = new FilterRegistrationBean<>(new OperatorParameterFilter(resolver));
        registration.setOrder(BODY_SIZE_FILTER_ORDER + 1);
        return registration;
    }

    /**
     * Request bodies with a property the target type does not declare are refused (400 naming it): a typo or
     * a server-owned field such as {@code tenantId} must not be silently dropped. Only the server side reads
     * strictly; the application's JsonMapper, HTTP clients and Kafka consumers stay lenient, because event
     * contracts evolve by adding fields. Ordered after Boot's customizer (order 0), whose converter it replaces.
     */
    @Bean
    @Order(1)
    @ConditionalOnBean(JsonMapper.class)
    ServerHttpMessageConvertersCustomizer strictJsonRequestBodies(JsonMapper jsonMapper) {
        JsonMapper strict = jsonMapper
                .rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        return builder -> builder.withJsonConverter(new JacksonJsonHttpMessageConverter(strict));
    }
}
