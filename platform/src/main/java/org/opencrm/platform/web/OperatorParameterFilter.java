package org.opencrm.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Refuses a query parameter whose name holds a {@code $}, such as {@code date[$ne]=x} or {@code owner.$gt=}: no
 * API of ours has one, and it is how MongoDB operators are smuggled through a query string. Data binding read
 * such names as property paths and failed with a 500; now they are a 400 naming the parameter before any
 * controller runs. The raw query string is read (not {@code getParameterMap}), so a form body is never parsed
 * here and an undecodable value is left to the exception handler's own 400.
 */
final class OperatorParameterFilter extends OncePerRequestFilter {

    // only a name of plain characters is repeated back to the client
    private static final Pattern ECHOABLE = Pattern.compile("[A-Za-z0-9._\\[\\]$-]{1,100}");

    private final HandlerExceptionResolver resolver;

    OperatorParameterFilter(HandlerExceptionResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && (query.indexOf('$') >= 0 || query.contains("%24"))) {
            for (String pair : query.split("&")) {
                String name = decode(pair.split("=", 2)[0]);
                if (name.indexOf('$') >= 0) {
                    String field = ECHOABLE.matcher(name).matches() ? name : null;
                    resolver.resolveException(
                            request,
                            response,
                            null,
                            new InvalidRequestException(field, "is not a parameter of this API"));
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static String decode(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return name;
        }
    }
}
