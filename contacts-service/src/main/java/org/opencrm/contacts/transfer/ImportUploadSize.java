package org.opencrm.contacts.transfer;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Import uploads are files of any size, limited by {@code spring.servlet.multipart.max-request-size} (checked
 * by the multipart parser while it reads); every other body keeps the platform's {@code crm.web.max-body-size}.
 * The platform's size filter judges a request by its declared length before the parser runs, so for the
 * upload path only this filter, placed in front of it, leaves the length undeclared for that first check.
 */
@Configuration(proxyBeanMethods = false)
class ImportUploadSize {

    static final String PATH = "/api/contacts/imports";

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> importUploadSizeFilter() {
        var registration = new FilterRegistrationBean<OncePerRequestFilter>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                boolean upload = "POST".equals(request.getMethod())
                        && PATH.equals(request.getRequestURI())
                        && request.getContentType() != null
                        && request.getContentType().startsWith("multipart/");
                chain.doFilter(upload ? new LengthDeclaredByParser(request) : request, response);
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    private static final class LengthDeclaredByParser extends HttpServletRequestWrapper {

        LengthDeclaredByParser(HttpServletRequest request) {
            super(request);
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }

        @Override
        public int getContentLength() {
            return -1;
        }
    }
}
