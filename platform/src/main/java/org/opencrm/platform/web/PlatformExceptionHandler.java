package org.opencrm.platform.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import java.net.URI;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place an exception becomes an HTTP answer: an RFC 9457 {@code application/problem+json} body with a
 * stable {@code type} from {@link ProblemType}, a {@code title}, the {@code status}, a {@code detail} written
 * for the client (never an exception message or stack trace), the {@code instance} path and the
 * {@code traceId} to quote when reporting a problem. A 400 lists the offending inputs in {@code errors}.
 *
 * <p>Auto-configured for every servlet service. A service that needs more handlers extends this class and
 * declares the subclass as its {@code @RestControllerAdvice}; the platform's instance then steps aside.
 * Ordered last so a service's own advice for a narrower exception is consulted first.
 */
@RestControllerAdvice
@Order
public class PlatformExceptionHandler extends ResponseEntityExceptionHandler {

    static final String ERRORS = "errors";
    static final String TRACE_ID = "traceId";
    static final String INVALID_FIELDS = "The request has invalid fields; see errors.";
    static final long UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
    private static final String TOMCAT_INVALID_PARAMETER = "org.apache.tomcat.util.http.InvalidParameterException";
    // Tomcat quotes the parameter's name; only a plain one is repeated back to the client.
    private static final Pattern TOMCAT_PARAMETER_NAME = Pattern.compile("Parameter \\[([A-Za-z0-9._-]{1,100})]");

    private static final Logger log = LoggerFactory.getLogger(PlatformExceptionHandler.class);

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return invalid(ex, fieldViolations(ex.getBindingResult()), headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var errors = new ArrayList<FieldViolation>();
        ex.getParameterValidationResults().forEach(result -> {
            String parameter = result.getMethodParameter().getParameterName();
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                String field = error instanceof FieldError fieldError ? fieldError.getField() : parameter;
                errors.add(new FieldViolation(field, error.getDefaultMessage()));
            }
        });
        ex.getCrossParameterValidationResults()
                .forEach(error -> errors.add(new FieldViolation(null, error.getDefaultMessage())));
        return invalid(ex, errors, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var violation = new FieldViolation(ex.getPropertyName(), typeMessage(ex.getRequiredType()));
        return invalid(ex, List.of(violation), headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        return invalid(ex, List.of(new FieldViolation(ex.getParameterName(), "is required")), headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleServletRequestBindingException(
            ServletRequestBindingException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (ex instanceof MissingRequestHeaderException missing) {
            return invalid(ex, List.of(new FieldViolation(missing.getHeaderName(), "is required")), headers, request);
        }
        return super.handleServletRequestBindingException(ex, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // The body-size cap counts bytes as the converter reads them; its exception arrives wrapped.
        Optional<PayloadTooLargeException> tooLarge = cause(ex, PayloadTooLargeException.class);
        if (tooLarge.isPresent()) {
            return handleErrorResponseException(
                    tooLarge.get(), tooLarge.get().getHeaders(), tooLarge.get().getStatusCode(), request);
        }
        Optional<UnrecognizedPropertyException> unknown = cause(ex, UnrecognizedPropertyException.class);
        if (unknown.isPresent()) {
            String field = path(unknown.get(), unknown.get().getPropertyName());
            return invalid(ex, List.of(new FieldViolation(field, "is not a known property")), headers, request);
        }
        Optional<MismatchedInputException> mismatch = cause(ex, MismatchedInputException.class);
        if (mismatch.isPresent() && !mismatch.get().getPath().isEmpty()) {
            String message = mismatch.get() instanceof InvalidNullException
                    ? "must not be null"
                    : typeMessage(mismatch.get().getTargetType());
            return invalid(ex, List.of(new FieldViolation(path(mismatch.get(), null), message)), headers, request);
        }
        Optional<JacksonException> syntax = cause(ex, JacksonException.class);
        String message = syntax.isPresent() ? "is not valid JSON" : "is missing or unreadable";
        String field = syntax.map(e -> path(e, null)).filter(p -> !p.isEmpty()).orElse(null);
        var problem = ProblemType.MALFORMED_REQUEST.problem("The request body " + message + ".");
        problem.setProperty(ERRORS, List.of(new FieldViolation(field, "request body " + message)));
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return notFoundPath(ex, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoHandlerFoundException(
            NoHandlerFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return notFoundPath(ex, headers, request);
    }

    /** Constraint violations from {@code @Validated} service methods: the input was at fault. */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> handleConstraintViolation(ConstraintViolationException ex, WebRequest request) {
        var errors = ex.getConstraintViolations().stream()
                .map(v -> new FieldViolation(leaf(v.getPropertyPath()), v.getMessage()))
                .toList();
        return invalid(ex, errors, new HttpHeaders(), request);
    }

    /**
     * A version check at save time lost a race with another writer. 409 rather than 412: the client may not
     * have sent {@code If-Match} at all, and what it should do is the same either way, reload and retry.
     */
    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<Object> handleOptimisticLocking(OptimisticLockingFailureException ex, WebRequest request) {
        var problem = ProblemType.CONCURRENT_MODIFICATION.problem(
                "The record was changed by someone else at the same time. Reload it and try again.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.CONFLICT, request);
    }

    /** A unique index refused a write; services that know the existing ids throw {@link ConflictException#duplicate}. */
    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<Object> handleDuplicateKey(DuplicateKeyException ex, WebRequest request) {
        var problem = ProblemType.DUPLICATE.problem("A record with the same unique value already exists.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.CONFLICT, request);
    }

    /**
     * The database cannot be reached (an outage, a failover, a timeout of the driver's server selection): a 503 the
     * client may retry, answered as soon as the driver gives up instead of a 500. The raw driver exceptions come
     * from code that uses the {@code MongoClient} directly; a repository or {@code MongoTemplate} translates them.
     */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        TransientDataAccessResourceException.class,
        QueryTimeoutException.class,
        com.mongodb.MongoTimeoutException.class,
        com.mongodb.MongoSocketException.class
    })
    ResponseEntity<Object> handleUnavailable(Exception ex, WebRequest request) {
        // A read that timed out is as often a long query (a report over a large period) as a dead server
        var problem = ProblemType.SERVICE_UNAVAILABLE.problem(
                readTimedOut(ex)
                        ? "The database did not answer in time: it may be unreachable, or the request asks for more"
                                + " than one query may take. Try again in a few seconds, or narrow the request."
                        : "The service cannot reach its database right now. Try again in a few seconds.");
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(UNAVAILABLE_RETRY_AFTER_SECONDS));
        return handleExceptionInternal(ex, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, request);
    }

    private static boolean readTimedOut(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof com.mongodb.MongoSocketReadTimeoutException
                    || t instanceof com.mongodb.MongoExecutionTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Raised outside the filter chain's reach (method security, {@code CurrentUser.current()}) or handed over by it. */
    @ExceptionHandler(AuthenticationException.class)
    ResponseEntity<Object> handleAuthentication(AuthenticationException ex, WebRequest request) {
        String detail = ex instanceof OAuth2AuthenticationException
                ? "The bearer token is invalid or has expired."
                : "This request needs a valid bearer token.";
        return handleExceptionInternal(
                ex, ProblemType.UNAUTHORIZED.problem(detail), new HttpHeaders(), HttpStatus.UNAUTHORIZED, request);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> handleAccessDenied(AccessDeniedException ex, WebRequest request) {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
            var problem = ProblemType.UNAUTHORIZED.problem("This request needs a valid bearer token.");
            return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.UNAUTHORIZED, request);
        }
        var problem = ProblemType.FORBIDDEN.problem("Your roles do not allow this request.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.FORBIDDEN, request);
    }

    /** Everything else is a bug or an outage: logged with its stack trace, answered without a word of it. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
        if (TOMCAT_INVALID_PARAMETER.equals(ex.getClass().getName())) {
            return undecodableParameters(ex, request);
        }
        var problem = ProblemType.INTERNAL.problem(
                "Something went wrong on our side. Quote the traceId when you report this.");
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    /**
     * Tomcat could not decode the query string or form parameters (a percent-encoding that is not UTF-8, say): the
     * client's fault, not ours. Tomcat throws this from the first {@code getParameter} call, as an
     * {@code IllegalStateException}, so it arrives here; matched by name to keep the platform free of Tomcat types.
     */
    private ResponseEntity<Object> undecodableParameters(Exception ex, WebRequest request) {
        var name = TOMCAT_PARAMETER_NAME.matcher(String.valueOf(ex.getMessage()));
        String field = name.find() ? name.group(1) : null;
        return invalid(ex, List.of(new FieldViolation(field, "is not valid UTF-8")), new HttpHeaders(), request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (status.is5xxServerError()) {
            log.error("{} answered {}", describe(request), status.value(), ex);
        } else {
            log.debug("{} answered {}: {}", describe(request), status.value(), ex.toString());
        }
        return super.handleExceptionInternal(ex, body, headers, status, request);
    }

    /** Every problem leaves through here: fills in what the platform guarantees on each body. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null || URI.create("about:blank").equals(problem.getType())) {
                ProblemType.forStatus(status).ifPresent(type -> {
                    problem.setType(type.uri());
                    problem.setTitle(type.title());
                });
            }
            if (problem.getInstance() == null && request instanceof ServletWebRequest servlet) {
                HttpServletRequest servletRequest = servlet.getRequest();
                problem.setInstance(URI.create(servletRequest.getRequestURI()));
            }
            String traceId = MDC.get(TRACE_ID);
            if (traceId != null) {
                problem.setProperty(TRACE_ID, traceId);
            }
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    /** A 400 of type validation listing the offending inputs. */
    protected ResponseEntity<Object> invalid(
            Exception ex, List<FieldViolation> errors, HttpHeaders headers, WebRequest request) {
        var problem = ProblemType.VALIDATION.problem(INVALID_FIELDS);
        problem.setProperty(ERRORS, errors);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private ResponseEntity<Object> notFoundPath(Exception ex, HttpHeaders headers, WebRequest request) {
        var problem = ProblemType.NOT_FOUND.problem("No endpoint matches this path.");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.NOT_FOUND, request);
    }

    private static List<FieldViolation> fieldViolations(BindingResult result) {
        var errors = new ArrayList<FieldViolation>();
        result.getFieldErrors().forEach(e -> errors.add(new FieldViolation(e.getField(), e.getDefaultMessage())));
        result.getGlobalErrors().forEach(e -> errors.add(new FieldViolation(null, e.getDefaultMessage())));
        return errors;
    }

    // JSON path of a databind failure: items[2].quantity. The property named last may not be in the path yet.
    private static String path(JacksonException ex, String lastProperty) {
        var path = new StringBuilder();
        String previous = null;
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
                previous = reference.getPropertyName();
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
                previous = null;
            }
        }
        if (lastProperty != null && !lastProperty.equals(previous)) {
            if (!path.isEmpty()) {
                path.append('.');
            }
            path.append(lastProperty);
        }
        return path.toString();
    }

    private static String leaf(Path path) {
        String name = null;
        for (Path.Node node : path) {
            name = node.getName();
        }
        return name;
    }

    private static String typeMessage(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (Number.class.isAssignableFrom(type)
                || (type.isPrimitive() && type != boolean.class && type != char.class)) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "must be an ISO-8601 date or time";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "must be a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        return "has the wrong type";
    }

    private static <T extends Throwable> Optional<T> cause(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String describe(WebRequest request) {
        if (request instanceof ServletWebRequest servlet) {
            return servlet.getRequest().getMethod() + " " + servlet.getRequest().getRequestURI();
        }
        return request.getDescription(false);
    }
}
