package org.opencrm.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.opencrm.platform.web.ProblemType;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Answers 401 and 403 raised in the security filter chain, before any controller runs, with the same RFC 9457
 * body a controller's exception would get: the exception goes to Spring MVC's exception resolvers and so to
 * the platform's exception handler. The bearer-token handlers run first for their {@code WWW-Authenticate}
 * header (RFC 6750).
 */
final class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler bearerAccessDenied = new BearerTokenAccessDeniedHandler();
    private final HandlerExceptionResolver resolver;

    ProblemSecurityHandlers(HandlerExceptionResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        bearerEntryPoint.commence(request, response, exception);
        resolve(request, response, exception, ProblemType.UNAUTHORIZED);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
            throws IOException {
        bearerAccessDenied.handle(request, response, exception);
        resolve(request, response, exception, ProblemType.FORBIDDEN);
    }

    private void resolve(
            HttpServletRequest request, HttpServletResponse response, Exception exception, ProblemType fallback)
            throws IOException {
        if (resolver.resolveException(request, response, null, exception) != null || response.isCommitted()) {
            return;
        }
        // No advice took it (a service replaced the platform's): still never answer with an empty body.
        response.setStatus(fallback.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        response.getWriter()
                .write("{\"type\":\"" + fallback.uri() + "\",\"title\":\"" + fallback.title() + "\",\"status\":"
                        + fallback.status().value() + "}");
    }
}
